import { Box, type Key, Text } from "ink";
import {
  type ReactNode,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from "react";
import type { AppEvent } from "../../shared/schemas.ts";
import { AgendaList } from "../components/AgendaList.tsx";
import { type EmptyLine, EmptyLines } from "../components/EmptyLines.tsx";
import { EventsError } from "../components/EventsError.tsx";
import { Panel, PANEL_CHROME_COLUMNS, PANEL_CHROME_ROWS, ScreenPanel } from "../components/Panel.tsx";
import { quotaLines, youtubeLines } from "../components/PublishingLines.tsx";
import { RenderList } from "../components/RenderList.tsx";
import { SettingsEditor } from "../components/SettingsEditor.tsx";
import { StatusRows, statusRows } from "../components/StatusRows.tsx";
import { TextInput } from "../components/TextInput.tsx";
import { formatCount, plural, wrapText } from "../format.ts";
import { formKey } from "../form_fields.ts";
import { useConnectionState } from "../hooks/use_connection_state.ts";
import { useEvents } from "../hooks/use_events.ts";
import {
  isRefreshToken,
  renderText,
  type ScheduleActions,
  scheduleText,
  useScheduleActions,
} from "../hooks/use_schedule_actions.ts";
import { useScheduleData } from "../hooks/use_schedule_data.ts";
import { useScreenKeys } from "../hooks/use_screen_keys.ts";
import { useTheme } from "../hooks/use_theme.ts";
import { useThrottled } from "../hooks/use_throttled.ts";
import { char, type ScreenKeyBinding } from "../keys.ts";
import type { Notice } from "../library_view.ts";
import { guarded, movementKeys } from "../list_keys.ts";
import { slotLabel, zonedDay } from "../schedule_rows.ts";
import { type ScheduleMode, type SchedulePane, ScheduleView } from "../schedule_view.ts";
import { editText, isText } from "../text_edit.ts";
import type { ScreenProps } from "./screen.ts";

const EVENT_TYPES = ["schedule.changed", "quota.changed", "settings.changed", "render.done"] as const;
/** Reloads that events ask for happen at most this often (an upload sends one per chunk). */
const RELOAD_INTERVAL_MS = 500;
/** How often the agenda and the quota are asked for while a video uploads. */
export const UPLOAD_POLL_MS = 2_000;
/** How often the connection is asked for while an authorisation is open (Google redirects to the daemon). */
export const AUTH_POLL_MS = 2_000;
/** The share of the rows below the status panel that the videos to place get at most. */
const PLACE_SHARE = 0.35;
/** From this height on, a YouTube warning wraps to two lines. */
const TALL_HEIGHT = 30;

/** What the status line says: what is asked or going on, the latest message, or what the keys do. */
function statusLine(
  view: ScheduleView,
  errors: { calendar?: string; place?: string },
): Notice | undefined {
  if (view.mode === "confirm" && view.confirm) {
    const schedule = view.confirm;
    return {
      text: `Cancel ${scheduleText(schedule)} of ${
        slotLabel(schedule, view.timeZone)
      }? Its slot and quota are freed. y cancels it · n or Esc keeps it`,
      role: "warn",
    };
  }
  if (view.mode === "pick" && view.pick) {
    const pick = view.pick;
    return pick.kind === "move"
      ? {
        text: `Moving ${scheduleText(pick.schedule)}: pick a slot with ↑↓, Enter moves it there · ` +
          "n the next free slot · Esc cancels",
        role: "accent",
      }
      : {
        text: `Placing ${
          pick.renders.length === 1 ? renderText(pick.renders[0]) : plural(pick.renders.length, "video")
        }: pick a slot with ↑↓, Enter places ${
          pick.renders.length === 1 ? "it" : "them"
        } there · Esc cancels`,
        role: "accent",
      };
  }
  if (view.busy) return { text: view.busy, role: "accent" };
  if (view.notice) return view.notice;
  if (errors.calendar && view.loaded) {
    return { text: `✗ Reloading failed: ${errors.calendar}`, role: "error" };
  }
  if (errors.place && view.placeLoaded) {
    return { text: `✗ Reloading the videos to place failed: ${errors.place}`, role: "error" };
  }
  if (view.pane === "place") {
    if (view.place.rows.length === 0) return undefined;
    return view.selection.size > 0
      ? {
        text: `${formatCount(view.selection.size)} selected: n places them in the next free slots, ` +
          "p in a slot you pick, Esc unselects",
        role: "accent",
      }
      : { text: "Space selects · n places in the next free slot · p in a slot you pick", role: "muted" };
  }
  const video = view.currentVideo;
  if (video?.state === "failed" && video.error) return { text: `✗ ${video.error}`, role: "error" };
  if (video) return { text: "M moves the video to another slot · x cancels it", role: "muted" };
  return undefined;
}

/** What the agenda says when it has no rows. */
function emptyAgenda(
  view: ScheduleView,
  state: { connected: boolean; error?: string; horizonDays?: number },
): EmptyLine[] {
  if (!view.loaded) {
    if (state.error) return [{ text: `✗ ${state.error}`, role: "error" }];
    return [{
      text: state.connected ? "Loading…" : "Not connected: the calendar loads once the daemon answers.",
      role: "muted",
    }];
  }
  return [
    {
      text: `No slot is offered${
        state.horizonDays ? ` in the next ${plural(state.horizonDays, "day")}` : ""
      }: the calendar needs slot times and days ahead.`,
    },
    { text: "S opens the settings: slot times, videos per slot, days ahead, lead minutes.", role: "muted" },
  ];
}

/** What the videos to place say when there are none. */
function emptyPlace(view: ScheduleView, error: string | undefined): EmptyLine[] {
  if (!view.placeLoaded) {
    return [
      error ? { text: `✗ ${error}`, role: "error" } : { text: "Loading the marked videos…", role: "muted" },
    ];
  }
  return [{
    text: "Nothing to place: videos marked with m on the Outputs screen (4) wait here for a slot.",
    role: "muted",
  }];
}

/** How the height is shared below the status panel: rows of the agenda and of the videos to place. */
function layout(room: number, placeCount: number): { agenda: number; place: number } {
  const wanted = Math.max(1, Math.floor(room * PLACE_SHARE) - PANEL_CHROME_ROWS);
  const place = Math.max(1, Math.min(placeCount, wanted));
  return { agenda: Math.max(1, room - PANEL_CHROME_ROWS * 2 - place), place };
}

/**
 * The publishing calendar: the YouTube connection and today's quota (a meter per bucket, in
 * the warning colour past the threshold); the agenda by day with each slot's occupancy and the
 * videos in it (an upload's progress, a failure's error); the marked videos not on the calendar
 * yet, placed into the next free slots or a picked one. Videos are moved to a picked slot and
 * cancelled; YouTube is authorised; the calendar and quota settings are edited. Live from
 * `schedule.changed`, `quota.changed` and `settings.changed`, and polled while an upload runs.
 */
export function Schedule(props: ScreenProps): ReactNode {
  const theme = useTheme();
  const connected = useConnectionState().kind === "connected";
  const [view] = useState(() => new ScheduleView());
  useSyncExternalStore(view.subscribe, view.getSnapshot);
  const data = useScheduleData();
  const { slots, agenda, placed, quota, youtube, settings, renders } = data;

  useEffect(() => {
    if (slots.data) view.setDays(slots.data);
  }, [view, slots.data]);
  useEffect(() => {
    if (agenda.data) view.setSchedules(agenda.data);
  }, [view, agenda.data]);
  useEffect(() => {
    if (placed.data) view.setPlaced(placed.data);
  }, [view, placed.data]);
  useEffect(() => {
    if (renders.renders) view.setRenders(renders.renders);
  }, [view, renders.renders]);
  const calendar = settings.data?.["schedule.calendar"];
  const timeZone = calendar?.timeZone;
  useEffect(() => view.setTimeZone(timeZone), [view, timeZone]);

  const reloadCalendar = useThrottled(() => {
    slots.reload();
    agenda.reload();
    placed.reload();
  }, RELOAD_INTERVAL_MS);
  const reloadQuota = useThrottled(quota.reload, RELOAD_INTERVAL_MS);
  const reloadRenders = useThrottled(renders.reload, RELOAD_INTERVAL_MS);
  const reloadSettings = useThrottled(() => {
    settings.reload();
    slots.reload();
    quota.reload();
  }, RELOAD_INTERVAL_MS);

  const onEvent = useCallback((event: AppEvent) => {
    switch (event.type) {
      case "schedule.changed":
        reloadCalendar();
        break;
      case "quota.changed":
        reloadQuota();
        break;
      case "settings.changed":
        reloadSettings();
        break;
      case "render.done":
        reloadRenders();
        break;
    }
  }, [reloadCalendar, reloadQuota, reloadSettings, reloadRenders]);
  const eventsError = useEvents(EVENT_TYPES, onEvent);

  // Videos are marked on the Outputs screen, which sends no event: look again when shown.
  const shownBefore = useRef(props.active);
  useEffect(() => {
    if (props.active && !shownBefore.current) {
      reloadRenders();
      reloadCalendar();
    }
    shownBefore.current = props.active;
  }, [props.active, reloadRenders, reloadCalendar]);

  // An upload's progress, while one runs and the screen is shown.
  const uploading = view.uploading;
  useEffect(() => {
    if (!uploading || !props.active || !connected) return;
    const timer = setInterval(() => {
      agenda.reload();
      quota.reload();
    }, UPLOAD_POLL_MS);
    return () => clearInterval(timer);
  }, [uploading, props.active, connected, agenda.reload, quota.reload]);

  // While an authorisation is open, Google's redirect lands on the daemon: notice it.
  const authOpen = view.mode === "auth";
  useEffect(() => {
    if (!authOpen || !connected) return;
    const timer = setInterval(youtube.reload, AUTH_POLL_MS);
    return () => clearInterval(timer);
  }, [authOpen, connected, youtube.reload]);
  const youtubeStatus = youtube.data;
  useEffect(() => {
    const auth = view.auth;
    if (!auth || auth.sending || !youtubeStatus) return;
    const before = auth.before;
    const done = youtubeStatus.connected && youtubeStatus.pending === null &&
      (!before?.connected || youtubeStatus.accessExpiresAt !== before.accessExpiresAt);
    if (!done) return;
    view.closeAuth();
    const channel = youtubeStatus.channel ? `: ${youtubeStatus.channel.title}` : "";
    view.notify({ text: `✓ YouTube connected${channel} (Google redirected to the daemon)`, role: "ok" });
  }, [view, youtubeStatus]);

  const changed = useCallback(() => {
    reloadCalendar();
    reloadQuota();
  }, [reloadCalendar, reloadQuota]);
  const actions = useScheduleActions(view, {
    changed,
    youtube: { status: youtubeStatus, reload: youtube.reload },
    settings: { settings: settings.data, error: settings.error },
    settingsSaved: reloadSettings,
  });

  const { width } = props;
  const innerWidth = Math.max(1, width - PANEL_CHROME_COLUMNS);
  const height = props.height - (eventsError ? 1 : 0);

  const calendarError = slots.error
    ? `schedule.slots failed: ${slots.error}`
    : agenda.error
    ? `schedule.list failed: ${agenda.error}`
    : undefined;
  const placeError = renders.error
    ? `renders.list failed: ${renders.error}`
    : placed.error
    ? `schedule.list failed: ${placed.error}`
    : undefined;
  const status = statusLine(view, { calendar: calendarError, place: placeError });
  const statusLines = status ? statusRows(status, width, height) : [];

  const topLines = [
    ...youtubeLines(
      theme,
      { status: youtubeStatus, error: youtube.error },
      innerWidth,
      height >= TALL_HEIGHT ? 2 : 1,
    ),
    ...quotaLines(theme, { status: quota.data, error: quota.error }),
  ];
  const topRows = Math.min(topLines.length, Math.max(2, Math.floor(height * 0.4) - PANEL_CHROME_ROWS));
  // With no video to place, room for what the list says instead (wrapped, two lines at most).
  const placeEmpty = view.place.rows.length === 0 ? emptyPlace(view, placeError) : [];
  const placeCount = view.place.rows.length ||
    Math.min(2, placeEmpty.reduce((sum, line) => sum + wrapText(line.text, innerWidth).length, 0));
  const rows = layout(height - PANEL_CHROME_ROWS - topRows - statusLines.length, placeCount);

  const keys = useMemo(
    () =>
      scheduleKeys(view, actions, {
        mode: view.mode,
        pane: view.pane,
        agendaRows: rows.agenda,
        placeRows: rows.place,
        hasVideo: view.currentVideo !== undefined,
        hasPlace: view.place.rows.length > 0,
        picking: view.pick?.kind,
        reload: () => {
          slots.reload();
          agenda.reload();
          placed.reload();
          renders.reload();
          quota.reload();
          youtube.reload();
          settings.reload();
        },
      }),
    [
      view,
      actions,
      view.mode,
      view.pane,
      rows.agenda,
      rows.place,
      view.currentVideo,
      view.place.rows.length,
      view.pick?.kind,
      slots.reload,
      agenda.reload,
      placed.reload,
      renders.reload,
      quota.reload,
      youtube.reload,
      settings.reload,
    ],
  );
  const capture = useCallback((input: string, key: Key) => captureKey(view, input, key), [view]);
  useScreenKeys(keys, { capture });

  const eventsLine = eventsError ? <EventsError error={eventsError} /> : null;

  if (view.mode === "settings" && view.form) {
    return (
      <ScreenPanel
        events={eventsLine}
        screenHeight={props.height}
        title="Publishing settings"
        aside={<Text wrap="truncate-end">— the calendar ({calendar?.timeZone ?? "…"}) and the quota</Text>}
        width={width}
        height={height}
      >
        <SettingsEditor
          form={view.form}
          width={innerWidth}
          height={Math.max(1, height - PANEL_CHROME_ROWS)}
        />
      </ScreenPanel>
    );
  }

  if (view.mode === "auth" && view.auth) {
    return (
      <ScreenPanel
        events={eventsLine}
        screenHeight={props.height}
        title="Authorise YouTube"
        aside={<Text wrap="truncate-end">— port {view.auth.port}</Text>}
        width={width}
        height={height}
      >
        <AuthBody view={view} width={innerWidth} />
      </ScreenPanel>
    );
  }

  const quotaStatus = quota.data;
  const topPanel = (
    <Panel
      title="Publishing"
      aside={quotaStatus
        ? (
          <Text wrap="truncate-end">
            — quota day {quotaStatus.day} (Pacific) · {quotaStatus.project} · warning at{" "}
            {quotaStatus.warningPercent}%
          </Text>
        )
        : undefined}
      width={width}
      height={PANEL_CHROME_ROWS + topRows}
    >
      {topLines.slice(0, topRows)}
    </Panel>
  );

  const picking = view.mode === "pick";
  const videoCount = view.agenda.rows.filter((row) => row.kind === "video").length;
  const agendaAside = view.loaded
    ? (
      <Text wrap="truncate-end">
        — {timeZone ?? "…"} · {plural(view.days?.length ?? 0, "day")} · {plural(videoCount, "video")}
        <Text color={theme.color("accent")}>{picking ? " · pick a slot" : ""}</Text>
      </Text>
    )
    : undefined;
  const agendaPanel = (
    <Panel title="Agenda" aside={agendaAside} width={width} height={PANEL_CHROME_ROWS + rows.agenda}>
      {view.agenda.rows.length > 0
        ? (
          <AgendaList
            rows={view.agenda.rows}
            cursor={view.agenda.cursor}
            top={view.agenda.top}
            height={rows.agenda}
            width={innerWidth}
            focused={view.pane === "agenda" || picking}
            picking={picking}
            movingId={view.pick?.kind === "move" ? view.pick.schedule.id : undefined}
            today={zonedDay(Date.now(), timeZone)}
          />
        )
        : (
          <EmptyLines
            lines={emptyAgenda(view, { connected, error: calendarError, horizonDays: calendar?.horizonDays })}
            width={innerWidth}
            height={rows.agenda}
          />
        )}
    </Panel>
  );

  const placeAside = view.placeLoaded
    ? (
      <Text wrap="truncate-end">
        — {plural(view.place.rows.length, "marked video")} not on the calendar
        {view.selection.size > 0 ? ` · ${formatCount(view.selection.size)} selected` : ""}
      </Text>
    )
    : undefined;
  const placePanel = (
    <Panel title="To place" aside={placeAside} width={width} height={PANEL_CHROME_ROWS + rows.place}>
      {view.place.rows.length > 0
        ? (
          <RenderList
            view={{ ...view.place, rows: view.place.rows, selection: view.selection }}
            height={rows.place}
            width={innerWidth}
            focused={view.pane === "place" && !picking}
          />
        )
        : <EmptyLines lines={placeEmpty} width={innerWidth} height={rows.place} />}
    </Panel>
  );

  return (
    <Box flexDirection="column" width={width} height={props.height}>
      {eventsLine}
      {topPanel}
      {agendaPanel}
      {placePanel}
      <StatusRows lines={statusLines} role={status?.role ?? "muted"} />
    </Box>
  );
}

/** The authorisation: the URL to open, the port and the SSH forward, and the field for a code. */
function AuthBody(props: { view: ScheduleView; width: number }): ReactNode {
  const theme = useTheme();
  const auth = props.view.auth!;
  const { width } = props;
  const para = (text: string, key: string, role?: "accent" | "muted" | "error" | "ok") =>
    wrapText(text, width).map((line, i) => (
      <Text key={`${key}${i}`} color={role ? theme.color(role) : undefined} wrap="truncate-end">
        {line === "" ? " " : line}
      </Text>
    ));
  const text = auth.field.text.trim();
  return (
    <Box flexDirection="column" flexShrink={0}>
      {para("1. Open this address in a browser signed in to the channel's Google account:", "open")}
      {para(auth.url, "url", "accent")}
      {para(
        `2. Google then sends the browser to ${auth.redirectUri}, where the daemon listens on port ${auth.port}. ` +
          "If the daemon runs on another machine, forward that port first, from the machine with the browser:",
        "redirect",
      )}
      {para(`   ssh -L ${auth.port}:127.0.0.1:${auth.port} <host>`, "ssh", "accent")}
      {para(
        "   (<host>: the machine the daemon runs on). This screen notices when Google is done.",
        "host",
        "muted",
      )}
      {para(
        "3. Or paste the code Google's page shows, or a refresh token obtained on another machine, and press Enter:",
        "paste",
      )}
      <Box flexShrink={0}>
        <Box width={2} flexShrink={0}>
          <Text color={theme.color("accent")}>›</Text>
        </Box>
        <TextInput field={auth.field} width={Math.max(1, width - 2)} maxLines={2} />
      </Box>
      {auth.sending
        ? para("Sending…", "sending", "accent")
        : auth.error
        ? para(`✗ ${auth.error}`, "error", "error")
        : para(
          text === ""
            ? "Enter sends it · Esc closes this (the authorisation stays open for 10 minutes)"
            : `Enter sends it as ${
              isRefreshToken(text) ? "a refresh token" : "an authorisation code"
            } · Esc closes this`,
          "hint",
          "muted",
        )}
    </Box>
  );
}

/**
 * Keys for the text fields: the settings form's fields (Tab and the arrows move between them)
 * and the authorisation's code. Enter and Esc are bindings; letters never reach other keys.
 */
function captureKey(view: ScheduleView, input: string, key: Key): boolean {
  if (view.mode === "settings" && view.form) {
    if (view.form.saving) return true;
    const taken = formKey(view.form, input, key);
    if (taken === "changed") view.touch();
    return taken !== "passed";
  }
  if (view.mode === "auth" && view.auth) {
    const auth = view.auth;
    if (auth.sending) return true;
    if (input === "?") return false;
    const next = editText(auth.field, input, key);
    if (!next) return isText(input, key);
    auth.field = next;
    auth.error = undefined;
    view.touch();
    return true;
  }
  return false;
}

/**
 * The screen's keys. Every mode's keys are registered at once, each matching only in its mode
 * and pane (read from the view when the key arrives); those of other modes are hidden.
 */
function scheduleKeys(
  view: ScheduleView,
  actions: ScheduleActions,
  options: {
    mode: ScheduleMode;
    pane: SchedulePane;
    agendaRows: number;
    placeRows: number;
    hasVideo: boolean;
    hasPlace: boolean;
    picking: "move" | "place" | undefined;
    reload: () => void;
  },
): ScreenKeyBinding[] {
  const { mode, pane } = options;
  const browsing = () => view.mode === "browse";
  const inAgenda = () => view.mode === "browse" && view.pane === "agenda";
  const inPlace = () => view.mode === "browse" && view.pane === "place";
  const inPick = () => view.mode === "pick";
  const inConfirm = () => view.mode === "confirm";
  const inAuth = () => view.mode === "auth";
  const inSettings = () => view.mode === "settings";
  const shownBrowse = mode === "browse";

  const agenda: ScreenKeyBinding[] = [
    { label: "M", description: "move", matches: char("M"), run: () => actions.startMove() },
    { label: "x", description: "cancel", matches: char("x"), run: () => actions.askCancel() },
  ];
  const toPlace: ScreenKeyBinding[] = [
    {
      label: "→",
      description: "videos to place",
      matches: (_, k) => k.rightArrow,
      run: () => view.focusPane("place"),
    },
  ];
  const place: ScreenKeyBinding[] = [
    {
      label: "Space",
      description: "select",
      matches: (i, k) => i === " " && !k.ctrl,
      run: () => view.toggle(),
    },
    {
      label: "n / Enter",
      description: "place in next free slots",
      matches: (i, k) => (i === "n" && !k.ctrl && !k.meta) || k.return,
      run: () => actions.placeNext(),
    },
    { label: "p", description: "place in a slot", matches: char("p"), run: () => actions.startPlaceAt() },
  ];
  const toAgenda: ScreenKeyBinding[] = [
    {
      label: "←",
      description: "agenda",
      matches: (_, k) => k.leftArrow,
      run: () => view.focusPane("agenda"),
    },
  ];
  const everywhere: ScreenKeyBinding[] = [
    { label: "S", description: "settings", matches: char("S"), run: () => actions.openSettings() },
    { label: "a", description: "authorise YouTube", matches: char("a"), run: () => actions.startAuth() },
    { label: "r", description: "reload", matches: char("r"), run: options.reload },
    {
      label: "Esc",
      description: "clear selection, message",
      helpOnly: true,
      matches: (_, k) => k.escape,
      run: () => view.clear(),
    },
  ];
  const pick: ScreenKeyBinding[] = [
    {
      label: "Enter",
      description: options.picking === "place" ? "place here" : "move here",
      matches: (_, k) => k.return,
      run: () => actions.pickSlot(),
    },
    ...(options.picking === "move"
      ? [{ label: "n", description: "next free slot", matches: char("n"), run: () => actions.moveNext() }]
      : []),
    { label: "Esc", description: "back", matches: (_, k) => k.escape, run: () => view.endPick() },
  ];
  const confirm: ScreenKeyBinding[] = [
    { label: "y", description: "cancel the video", matches: char("y"), run: () => actions.confirmCancel() },
    {
      label: "n / Esc",
      description: "keep it",
      matches: (i, k) => (i === "n" && !k.ctrl) || k.escape,
      run: () => view.endConfirm(),
    },
  ];
  const auth: ScreenKeyBinding[] = [
    {
      label: "Enter",
      description: "send the code",
      matches: (_, k) => k.return,
      run: () => actions.completeAuth(),
    },
    { label: "Esc", description: "close", matches: (_, k) => k.escape, run: () => view.closeAuth() },
    // Listed only: the field's capture takes them.
    { label: "Ctrl-U", description: "empty the field", helpOnly: true, matches: () => false, run: () => {} },
  ];
  const settings: ScreenKeyBinding[] = [
    { label: "Enter", description: "save", matches: (_, k) => k.return, run: () => actions.saveSettings() },
    { label: "Esc", description: "cancel", matches: (_, k) => k.escape, run: () => view.closeSettings() },
    // Listed only: the form's capture takes them, with the text typed.
    { label: "Tab / ↓", description: "next field", matches: () => false, run: () => {} },
    { label: "Shift-Tab / ↑", description: "previous field", matches: () => false, run: () => {} },
  ];

  return [
    ...guarded(agenda, inAgenda, shownBrowse && pane === "agenda" && options.hasVideo),
    ...guarded(place, inPlace, shownBrowse && pane === "place" && options.hasPlace),
    ...guarded(toPlace, inAgenda, shownBrowse && pane === "agenda"),
    ...guarded(toAgenda, inPlace, shownBrowse && pane === "place"),
    ...guarded(everywhere, browsing, shownBrowse),
    ...guarded(
      movementKeys(view.agenda, options.agendaRows, true),
      inAgenda,
      shownBrowse && pane === "agenda",
    ),
    ...guarded(movementKeys(view.place, options.placeRows, true), inPlace, shownBrowse && pane === "place"),
    ...guarded(pick, inPick, mode === "pick"),
    ...guarded(movementKeys(view.agenda, options.agendaRows, true), inPick, mode === "pick"),
    ...guarded(confirm, inConfirm, mode === "confirm"),
    ...guarded(auth, inAuth, mode === "auth"),
    ...guarded(settings, inSettings, mode === "settings"),
  ];
}
