/** The one shape of "what time is it" that every part of lp-delete is handed (tests pass a fixed one). */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
