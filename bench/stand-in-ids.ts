/** Names the stand-in and the app under test share. */
export const BOT_TOKEN = 'xoxb-bench-token';
export const CHANNEL = 'CPRIVACY1';
