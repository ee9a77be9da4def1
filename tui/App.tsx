/**
 * The TUI's root: provides the client, theme and keymap, shows the tab bar, the connection,
 * the chosen screen (or the help) and the footer, and handles the global keys.
 * @module
 */
import { Box, useApp, useInput, useWindowSize } from "ink";
import { type ReactNode, useCallback, useMemo, useRef, useState } from "react";
import { ConnectionBanner, connectionBannerRows } from "./components/ConnectionBanner.tsx";
import { Footer } from "./components/Footer.tsx";
import { HelpOverlay, type HelpSection } from "./components/HelpOverlay.tsx";
import { TabBar } from "./components/TabBar.tsx";
import type { ConnectionSource } from "./connection_store.ts";
import { ClientProvider, type TuiClient } from "./context/ClientContext.tsx";
import { type Keymap, KeymapContext } from "./context/KeymapContext.tsx";
import { ThemeContext } from "./context/ThemeContext.tsx";
import { useConnectionState } from "./hooks/use_connection_state.ts";
import { GLOBAL_KEYS, type KeyHint, type ScreenKeyBinding, SWITCH_KEYS } from "./keys.ts";
import { SCREENS } from "./screens/registry.ts";
import type { ScreenDefinition } from "./screens/screen.ts";
import { colorTheme, type Theme } from "./theme.ts";

/** What {@link App} needs; everything but the client has a default. */
export interface AppProps {
  readonly client: TuiClient;
  /** Where the client's connection state changes come from. */
  readonly connection: ConnectionSource;
  readonly theme?: Theme;
  /** The screens to offer; {@link SCREENS} by default. */
  readonly screens?: readonly ScreenDefinition[];
  /** The screen shown first, by id; the first screen by default. */
  readonly initialScreen?: string;
}

/** The whole TUI. Quitting closes the client and unmounts; the caller then exits. */
export function App(props: AppProps): ReactNode {
  return (
    <ThemeContext value={props.theme ?? colorTheme}>
      <ClientProvider client={props.client} connection={props.connection}>
        <Shell
          client={props.client}
          screens={props.screens ?? SCREENS}
          initialScreen={props.initialScreen}
        />
      </ClientProvider>
    </ThemeContext>
  );
}

interface Registration {
  /** The screen that registered, so keys never reach a screen that is no longer shown. */
  readonly screenId: string;
  readonly bindings: () => readonly ScreenKeyBinding[];
}

interface View {
  readonly activeId: string | undefined;
  readonly helpOpen: boolean;
}

function Shell(
  props: { client: TuiClient; screens: readonly ScreenDefinition[]; initialScreen: string | undefined },
): ReactNode {
  const { screens, client } = props;
  const { exit } = useApp();
  const { columns, rows } = useWindowSize();
  const connection = useConnectionState();
  const [view, setView] = useState<View>(() => ({
    activeId: (screens.find((screen) => screen.id === props.initialScreen) ?? screens[0])?.id,
    helpOpen: false,
  }));
  // Keys that arrive together (a paste, a burst from tmux) are handled before React renders
  // again, so each must see what the one before it changed, not the last render's state.
  const viewNow = useRef(view);
  const show = (next: Partial<View>) => {
    viewNow.current = { ...viewNow.current, ...next };
    setView(viewNow.current);
  };
  const [registration, setRegistration] = useState<Registration>();
  const quitting = useRef(false);

  const keymapFor = useMemo(() => {
    const keymaps = new Map<string, Keymap>();
    return (screenId: string): Keymap => {
      let keymap = keymaps.get(screenId);
      if (!keymap) {
        keymap = {
          register(bindings) {
            const entry: Registration = { screenId, bindings };
            setRegistration(entry);
            return () => setRegistration((current) => (current === entry ? undefined : current));
          },
        };
        keymaps.set(screenId, keymap);
      }
      return keymap;
    };
  }, []);

  const quit = useCallback(() => {
    if (quitting.current) return;
    quitting.current = true;
    // Closing first, so nothing reconnects while Ink tears down; a close that fails has
    // nothing left to clean up, and quitting must not wait on a daemon that is gone.
    client.close().catch(() => {});
    exit();
  }, [client, exit]);

  const indexOf = (id: string | undefined) => Math.max(0, screens.findIndex((screen) => screen.id === id));
  const active = screens[indexOf(view.activeId)];
  const screenKeys = registration && registration.screenId === active?.id ? registration.bindings() : [];

  useInput((input, key) => {
    const now = viewNow.current;
    if (input === "q" || (key.ctrl && input === "c")) return quit();
    if (input === "?") return show({ helpOpen: !now.helpOpen });
    if (now.helpOpen) {
      if (key.escape) show({ helpOpen: false });
      return;
    }
    if (key.tab && screens.length > 0) {
      const step = key.shift ? screens.length - 1 : 1;
      return show({ activeId: screens[(indexOf(now.activeId) + step) % screens.length].id });
    }
    const byNumber = screens.find((screen) => screen.key === input);
    if (byNumber) return show({ activeId: byNumber.id });
    if (registration?.screenId !== now.activeId) return;
    registration?.bindings().find((binding) => binding.matches(input, key))?.run();
  });

  const screenHints: KeyHint[] = screens.length > 1
    ? [{ label: `1-${screens.length}`, description: "switch screen" }]
    : [];
  const footerHints = [...screenHints, ...screenKeys, ...GLOBAL_KEYS];
  const helpSections: HelpSection[] = [
    {
      title: "Screens",
      keys: [...screens.map((screen) => ({ label: screen.key, description: screen.title })), ...SWITCH_KEYS],
    },
    { title: active ? `${active.title} screen` : "This screen", keys: screenKeys },
    { title: "Everywhere", keys: GLOBAL_KEYS },
  ];

  const bodyHeight = Math.max(0, rows - 2 - connectionBannerRows(connection, columns));
  const Screen = active?.component;

  return (
    <Box flexDirection="column" width={columns} height={rows} overflow="hidden">
      <TabBar screens={screens} activeId={active?.id ?? ""} />
      <ConnectionBanner columns={columns} />
      <Box height={bodyHeight} flexShrink={0} overflow="hidden">
        {/* The screen stays mounted under the help, so it keeps its data and polling. */}
        <Box display={view.helpOpen ? "none" : "flex"}>
          {Screen && active
            ? (
              <KeymapContext key={active.id} value={keymapFor(active.id)}>
                <Screen width={columns} height={bodyHeight} />
              </KeymapContext>
            )
            : null}
        </Box>
        {view.helpOpen ? <HelpOverlay sections={helpSections} width={columns} height={bodyHeight} /> : null}
      </Box>
      <Footer hints={footerHints} />
    </Box>
  );
}
