/**
 * The TUI's root: provides the client, theme and keymap, shows the tab bar, the connection,
 * the chosen screen (or the help) and the footer, and handles the global keys.
 * @module
 */
import { Box, type Key, useApp, useInput } from "ink";
import { type ReactNode, useCallback, useMemo, useRef, useState } from "react";
import { ConnectionBanner, connectionBannerRows } from "./components/ConnectionBanner.tsx";
import { Footer } from "./components/Footer.tsx";
import { HelpOverlay, type HelpSection } from "./components/HelpOverlay.tsx";
import { TabBar } from "./components/TabBar.tsx";
import type { ConnectionSource } from "./connection_store.ts";
import { ClientProvider, type TuiClient } from "./context/ClientContext.tsx";
import { createScreenFocus, FocusContext } from "./context/FocusContext.tsx";
import { type Keymap, KeymapContext, type ScreenKeys } from "./context/KeymapContext.tsx";
import { type Navigation, NavigationContext } from "./context/NavigationContext.tsx";
import { ThemeContext } from "./context/ThemeContext.tsx";
import { useConnectionState } from "./hooks/use_connection_state.ts";
import { useTerminalSize } from "./hooks/use_terminal_size.ts";
import { GLOBAL_KEYS, isPrintable, type KeyHint, SWITCH_KEYS } from "./keys.ts";
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

interface View {
  readonly activeId: string | undefined;
  readonly helpOpen: boolean;
  /** Screens shown at least once: they stay mounted, so they keep their state and data. */
  readonly visited: ReadonlySet<string>;
}

/**
 * Keys that arrived in one read (typed faster than they are read, sent at once by tmux, or a
 * paste): printable text, possibly with Tab and Enter among it, of more than one character.
 */
function isTypedText(input: string, key: Key): boolean {
  if (input.length <= 1 || key.ctrl || key.meta) return false;
  const text = input.replace(/[\t\r]/g, "");
  return text === "" || isPrintable(text);
}

function Shell(
  props: { client: TuiClient; screens: readonly ScreenDefinition[]; initialScreen: string | undefined },
): ReactNode {
  const { screens, client } = props;
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize();
  const connection = useConnectionState();
  const [view, setView] = useState<View>(() => {
    const activeId = (screens.find((screen) => screen.id === props.initialScreen) ?? screens[0])?.id;
    return { activeId, helpOpen: false, visited: new Set(activeId === undefined ? [] : [activeId]) };
  });
  // Keys that arrive together (a paste, a burst from tmux) are handled before React renders
  // again, so each must see what the one before it changed, not the last render's state.
  const viewNow = useRef(view);
  const show = useCallback((next: Partial<View>) => {
    const current = viewNow.current;
    const visited = next.activeId === undefined || current.visited.has(next.activeId)
      ? current.visited
      : new Set([...current.visited, next.activeId]);
    viewNow.current = { ...current, ...next, visited };
    setView(viewNow.current);
  }, []);
  const navigation = useMemo((): Navigation => ({
    show: (screenId) => {
      if (screens.some((screen) => screen.id === screenId)) show({ activeId: screenId, helpOpen: false });
    },
  }), [screens, show]);
  // Each screen's keys, by screen id; read when a key arrives, so always the latest.
  const registrations = useRef(new Map<string, () => ScreenKeys>());
  const [, setRegistrationsChanged] = useState(0);
  const quitting = useRef(false);
  const [focus] = useState(createScreenFocus);

  const keymapFor = useMemo(() => {
    const keymaps = new Map<string, Keymap>();
    return (screenId: string): Keymap => {
      let keymap = keymaps.get(screenId);
      if (!keymap) {
        keymap = {
          register(keys) {
            registrations.current.set(screenId, keys);
            setRegistrationsChanged((n) => n + 1);
            return () => {
              if (registrations.current.get(screenId) !== keys) return;
              registrations.current.delete(screenId);
              setRegistrationsChanged((n) => n + 1);
            };
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
  const screenKeys = (active && registrations.current.get(active.id)?.().bindings) ?? [];

  /** Handles one key; returns false once the app is quitting, so no more keys are handled. */
  const handle = (input: string, key: Key): boolean => {
    const now = viewNow.current;
    const keys = now.helpOpen || now.activeId === undefined
      ? undefined
      : registrations.current.get(now.activeId)?.();
    if (keys?.capture?.(input, key)) return true;
    if (isTypedText(input, key)) {
      // Keys typed faster than they are read arrive as one string: handle them one by one.
      for (const c of input) {
        const tab = c === "\t";
        const enter = c === "\r";
        const next = { ...key, shift: c !== c.toLowerCase(), tab, return: enter };
        if (!handle(tab || enter ? "" : c, next)) return false;
      }
      return true;
    }
    if (input === "q") {
      quit();
      return false;
    }
    if (input === "?") {
      show({ helpOpen: !now.helpOpen });
      return true;
    }
    if (now.helpOpen) {
      if (key.escape) show({ helpOpen: false });
      return true;
    }
    if (key.tab && screens.length > 0) {
      const step = key.shift ? screens.length - 1 : 1;
      show({ activeId: screens[(indexOf(now.activeId) + step) % screens.length].id });
      return true;
    }
    const byNumber = screens.find((screen) => screen.key === input);
    if (byNumber) show({ activeId: byNumber.id });
    else keys?.bindings.find((binding) => binding.matches(input, key))?.run();
    return true;
  };

  useInput((input, key) => {
    if (key.ctrl && input === "c") return quit();
    handle(input, key);
  });

  const switchHints: KeyHint[] = screens.length > 1
    ? [{ label: `1-${screens.length}`, description: "switch screen" }]
    : [];
  // The screen's own keys first: they are what a person opens the help for.
  const helpColumns: HelpSection[][] = [
    [{ title: active ? `${active.title} screen` : "This screen", keys: screenKeys }],
    [
      {
        title: "Screens",
        keys: [
          ...screens.map((screen) => ({ label: screen.key, description: screen.title })),
          ...SWITCH_KEYS,
        ],
      },
      { title: "Everywhere", keys: GLOBAL_KEYS },
    ],
  ];

  const bodyHeight = Math.max(0, rows - 2 - connectionBannerRows(connection, columns));

  return (
    <Box flexDirection="column" width={columns} height={rows} overflow="hidden">
      <TabBar screens={screens} activeId={active?.id ?? ""} columns={columns} />
      <ConnectionBanner columns={columns} />
      <Box height={bodyHeight} flexShrink={0} overflow="hidden">
        {screens.filter((screen) => view.visited.has(screen.id)).map((screen) => {
          const Screen = screen.component;
          // Hidden rather than unmounted (under the help, or when another screen is shown),
          // so a screen keeps its data, selection and subscriptions.
          return (
            <Box key={screen.id} display={screen === active && !view.helpOpen ? "flex" : "none"}>
              <KeymapContext value={keymapFor(screen.id)}>
                <FocusContext value={focus}>
                  <NavigationContext value={navigation}>
                    <Screen
                      width={columns}
                      height={bodyHeight}
                      active={screen === active && !view.helpOpen}
                    />
                  </NavigationContext>
                </FocusContext>
              </KeymapContext>
            </Box>
          );
        })}
        {view.helpOpen
          ? (
            <HelpOverlay
              columns={columns >= 60 ? helpColumns : [helpColumns.flat()]}
              width={columns}
              height={bodyHeight}
            />
          )
          : null}
      </Box>
      <Footer hints={[...screenKeys, ...switchHints]} always={GLOBAL_KEYS} columns={columns} />
    </Box>
  );
}
