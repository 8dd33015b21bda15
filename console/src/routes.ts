/** The page in the location hash (`#/connect/inb_…`): deep links and the back button, no server routes needed. */
import { useSyncExternalStore } from 'react';

const current = () => window.location.hash.replace(/^#/, '') || '/channels';
const subscribe = (onChange: () => void) => {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
};

export const useRoute = () => useSyncExternalStore(subscribe, current);

export function navigate(path: string): void {
  window.location.hash = path;
}
