import { useCallback, useEffect, useRef, useState } from "react";
import { ApiFailure } from "./api";

/**
 * Loads data now and every `everyMs` (0 = once); `reload` refetches at once. A component whose
 * inputs change is remounted (keyed) rather than re-wired.
 */
export function usePoll<T>(load: () => Promise<T>, everyMs = 5000) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  const mounted = useRef(true);
  const reload = useCallback(() => {
    loadRef
      .current()
      .then((d) => {
        if (!mounted.current) return;
        setData(d);
        setError(null);
      })
      .catch((e: unknown) => {
        if (!mounted.current) return;
        if (e instanceof ApiFailure && e.status === 401) window.dispatchEvent(new Event("dg-signed-out"));
        setError(e instanceof Error ? e.message : String(e));
      });
  }, []);
  useEffect(() => {
    mounted.current = true;
    reload();
    const timer = everyMs > 0 ? window.setInterval(reload, everyMs) : 0;
    return () => {
      mounted.current = false;
      if (timer) window.clearInterval(timer);
    };
  }, [reload, everyMs]);
  return { data, error, reload };
}

function readHash(): string[] {
  return window.location.hash
    .replace(/^#\/?/, "")
    .split("/")
    .filter(Boolean)
    .map((s) => decodeURIComponent(s));
}

/** The current hash route, e.g. ["campaigns", "campaign-1"]. */
export function useRoute(): string[] {
  const [route, setRoute] = useState(readHash);
  useEffect(() => {
    const on = () => setRoute(readHash());
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  return route;
}
