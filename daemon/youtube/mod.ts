/**
 * YouTube: OAuth for an installed app, the Data API calls, and the upload stage.
 * @module
 */
export { type VideoMetadata, YouTubeApiError, YouTubeClient, type YouTubeVideo } from "./client.ts";
export { SCOPES, YouTubeAuth, YouTubeAuthError, type YouTubeAuthStatus } from "./oauth.ts";
export { PreflightError, Uploader } from "./uploader.ts";
