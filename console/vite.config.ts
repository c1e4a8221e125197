// Builds the console front end (React + uPlot + sigma.js) into dist/console, served by the gateway
// under /console/. JSX is compiled by esbuild (no Babel plugin needed).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "/console/",
  logLevel: "warn",
  esbuild: { jsx: "automatic" },
  build: {
    outDir: fileURLToPath(new URL("../dist/console", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 800,
    rollupOptions: {
      output: {
        manualChunks: { graph: ["sigma", "graphology", "graphology-layout-forceatlas2"] },
      },
    },
  },
});
