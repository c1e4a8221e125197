import { useEffect, useState } from "react";
import { api, type SessionInfo, setCsrf } from "./api";
import { useRoute } from "./hooks";
import { Account } from "./pages/Account";
import { Campaign } from "./pages/Campaign";
import { Campaigns } from "./pages/Campaigns";
import { Accounts, Audit, Review } from "./pages/Lists";
import { Login } from "./pages/Login";
import { Overview } from "./pages/Overview";

const NAV: [string, string][] = [
  ["", "Overview"],
  ["campaigns", "Campaigns"],
  ["accounts", "Accounts"],
  ["review", "Review queue"],
  ["audit", "Audit log"],
];

export function App() {
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const route = useRoute();
  useEffect(() => {
    api
      .session()
      .then((s) => {
        setCsrf(s.csrf);
        setSession(s);
      })
      .catch(() => setSession(null));
    const out = () => setSession(null);
    window.addEventListener("dg-signed-out", out);
    return () => window.removeEventListener("dg-signed-out", out);
  }, []);
  if (session === undefined) return null;
  if (session === null)
    return (
      <Login
        onSignedIn={(s) => {
          setCsrf(s.csrf);
          setSession(s);
        }}
      />
    );
  const [page, id] = route;
  let body = <Overview />;
  if (page === "campaigns" && id) body = <Campaign id={id} session={session} />;
  else if (page === "campaigns") body = <Campaigns />;
  else if (page === "accounts" && id) body = <Account id={id} session={session} />;
  else if (page === "accounts") body = <Accounts />;
  else if (page === "review") body = <Review session={session} />;
  else if (page === "audit") body = <Audit />;
  const current = page ?? "";
  return (
    <div className="shell">
      <nav className="sidebar">
        <div className="brand">
          <span className="logo">◆</span> distillguard
        </div>
        <ul>
          {NAV.map(([to, label]) => (
            <li key={to}>
              <a href={`#/${to}`} className={current === to ? "active" : ""}>
                {label}
              </a>
            </li>
          ))}
        </ul>
        <div className="who">
          <div>{session.user.username}</div>
          <div className="role">{session.user.role}</div>
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => {
              void api.logout().finally(() => setSession(null));
            }}
          >
            Sign out
          </button>
        </div>
      </nav>
      <main className="main" key={route.join("/")}>
        {body}
      </main>
    </div>
  );
}
