/**
 * The screens of the TUI, in tab order. A new screen is one component in `screens/` plus one
 * entry here: `App` derives the tab bar, the number keys, Tab/Shift-Tab switching and the help
 * from this list.
 * @module
 */
import { Dashboard } from "./Dashboard.tsx";
import { Jobs } from "./Jobs.tsx";
import { Library } from "./Library.tsx";
import { Outputs } from "./Outputs.tsx";
import { Review } from "./Review.tsx";
import { Schedule } from "./Schedule.tsx";
import type { ScreenDefinition } from "./screen.ts";

export type { ScreenDefinition, ScreenProps } from "./screen.ts";

/** Every screen, in the order of their number keys. */
export const SCREENS: readonly ScreenDefinition[] = [
  { key: "1", id: "dashboard", title: "Dashboard", component: Dashboard },
  { key: "2", id: "library", title: "Library", component: Library },
  { key: "3", id: "review", title: "Review", component: Review },
  { key: "4", id: "outputs", title: "Outputs", component: Outputs },
  { key: "5", id: "jobs", title: "Jobs", component: Jobs },
  { key: "6", id: "schedule", title: "Schedule", component: Schedule },
];
