import { useContext } from "react";
import { ClientContext, type ClientContextValue, type TuiClient } from "../context/ClientContext.tsx";

/** The client and connection source from {@link ClientContext}; throws outside `App`. */
export function useClientContext(): ClientContextValue {
  const value = useContext(ClientContext);
  if (!value) {
    throw new Error("useClient() was called outside <ClientProvider>: render the screen inside <App>.");
  }
  return value;
}

/** The daemon client. */
export function useClient(): TuiClient {
  return useClientContext().client;
}
