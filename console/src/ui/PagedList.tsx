/** What every paged list shows around its rows: why it could not be read, that it is loading, that it holds nothing, and "Load more". */
import type { ReactNode } from 'react';
import { Alert, Loader, Text } from '@mantine/core';
import { LoadMore, Paged } from './LoadMore';

interface PagedQuery extends Paged {
  readonly isPending: boolean;
  readonly isSuccess: boolean;
}

/** `children` (the rows) shows once `count` items are loaded; `what` names the list in the error's title and the loader's label. */
export function PagedList({ pages, count, what, empty, children }: { pages: PagedQuery; count: number; what: string; empty: string; children: ReactNode }) {
  return (
    <>
      {/* A failed next page is LoadMore's to show, under the rows already loaded. */}
      {pages.error && !pages.isFetchNextPageError && <Alert color="red" role="alert" title={`Could not load ${what}`}>{pages.error.message}</Alert>}
      {pages.isPending && <Loader aria-label={`Loading ${what}`} />}
      {pages.isSuccess && count === 0 && <Text>{empty}</Text>}
      {count > 0 && children}
      <LoadMore pages={pages} />
    </>
  );
}
