import { useState } from "react";
import { api, type SessionInfo } from "../api";

export function Login({ onSignedIn }: { onSignedIn: (s: SessionInfo) => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div className="login-page">
      <form
        className="login-card"
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          api
            .login(username, password)
            .then(onSignedIn)
            .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)))
            .finally(() => setBusy(false));
        }}
      >
        <div className="brand brand-dark">
          <span className="logo">◆</span> distillguard
        </div>
        <h1>Sign in to the console</h1>
        <label>
          Username
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <button type="submit" className="btn btn-primary btn-solid" disabled={busy}>
          Sign in
        </button>
        {error ? <p className="error">{error}</p> : null}
        <p className="muted small">
          Accounts are created on the gateway host with <code>distillguard console-user create</code>.
        </p>
      </form>
    </div>
  );
}
