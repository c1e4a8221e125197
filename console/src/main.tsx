import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import "./styles.css";

// Path-style links (e.g. from alerts: <console_url>/campaigns/ID) become the app's hash routes.
const rest = window.location.pathname.replace(/^\/console\/?/, "");
if (rest && !window.location.hash) window.history.replaceState(null, "", `/console/#/${rest}`);

const root = document.getElementById("root");
if (root)
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
