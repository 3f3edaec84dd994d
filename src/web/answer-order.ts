import { useRef } from 'react';

/**
 * useAnswerOrder returns `track`, which numbers each request a page starts and tells, when its
 * answer arrives, whether to show it: yes unless a later request's answer is already shown. So a
 * slow answer never overwrites a newer one, and — unlike dropping every answer whose request was
 * superseded — a page refreshed by a busy live stream faster than the server answers still shows
 * each answer as it lands instead of none at all.
 */
export function useAnswerOrder(): () => () => boolean {
  const order = useRef({ started: 0, shown: 0 });
  return () => {
    const n = ++order.current.started;
    return () => {
      if (n < order.current.shown) return false;
      order.current.shown = n;
      return true;
    };
  };
}
