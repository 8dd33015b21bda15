/** "Load more" under a paged list (the next page by the API's cursor), and why the next page failed, if it did. */
import { Alert, Button, Group } from '@mantine/core';

export interface Paged {
  readonly hasNextPage: boolean;
  readonly isFetchingNextPage: boolean;
  readonly isFetchNextPageError: boolean;
  readonly error: Error | null;
  fetchNextPage(): unknown;
}

export function LoadMore({ pages }: { pages: Paged }) {
  return (
    <>
      {pages.hasNextPage && (
        <Group>
          <Button variant="default" onClick={() => pages.fetchNextPage()} loading={pages.isFetchingNextPage}>Load more</Button>
        </Group>
      )}
      {pages.isFetchNextPageError && <Alert color="red" role="alert">{pages.error?.message}</Alert>}
    </>
  );
}
