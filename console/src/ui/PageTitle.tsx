/** A page's heading, focused when the page opens: after a hash navigation, keyboard and screen reader users start at the new page, not at the top of the document. */
import { ReactNode, useEffect, useRef } from 'react';
import { Title } from '@mantine/core';

export function PageTitle({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus({ preventScroll: true }), []);
  return <Title ref={ref} order={1} size="h2" tabIndex={-1}>{children}</Title>;
}
