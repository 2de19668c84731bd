import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { Role } from "../../../../core/records/common.ts";
import type { LedgerClient } from "../../../src/client/sdk/ledger-client.ts";

/**
 * Who is signed in: the organisation, its registered name and role (read from the ledger at
 * sign-in, never chosen by the user) and the client that signs its requests. Held in memory
 * only — never in storage — and dropped on sign-out or after IDLE_MS without input.
 */
export const IDLE_MS = 15 * 60 * 1000;

export interface Session {
  readonly orgId: string;
  readonly name: string;
  readonly role: Role;
  readonly client: LedgerClient;
}

interface SessionState {
  readonly session: Session | undefined;
  readonly endedByIdle: boolean;
  signIn(session: Session): void;
  signOut(): void;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | undefined>();
  const [endedByIdle, setEndedByIdle] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const signOut = useCallback(() => setSession(undefined), []);
  const signIn = useCallback((s: Session) => {
    setEndedByIdle(false);
    setSession(s);
  }, []);

  useEffect(() => {
    if (!session) return;
    const restart = () => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        setEndedByIdle(true);
        setSession(undefined);
      }, IDLE_MS);
    };
    const events = ["pointerdown", "keydown", "wheel", "touchstart"] as const;
    for (const e of events) window.addEventListener(e, restart, { passive: true });
    restart();
    return () => {
      clearTimeout(timer.current);
      for (const e of events) window.removeEventListener(e, restart);
    };
  }, [session]);

  const value = useMemo(() => ({ session, endedByIdle, signIn, signOut }), [session, endedByIdle, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error("useSession outside SessionProvider");
  return state;
}
