/**
 * Reply by email, with attachments: each file is described to the API (`POST …/attachments`), PUT to the
 * presigned URL it answers, then named in the reply. One Idempotency-Key per composed reply, so a double
 * submit or a retried request sends once. Refusals in words next to the text, the files, or the button.
 */
import { useState } from 'react';
import { Alert, Button, FileInput, Group, Stack, Textarea } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { Api, ApiError, fieldError, generalError, unwrap } from '../api/client';
import { useApi } from '../auth/session';
import { useRefreshWork } from './work';

const FIELDS = ['text', 'attachments'];

/** Uploads one file for the reply; a refusal or a failed upload names the file, under the `attachments` field. */
async function upload(api: Api, conversationId: string, file: File): Promise<string> {
  const contentType = file.type || 'application/octet-stream';
  const refused = (status: number, code: string, words: string) => new ApiError(status, code, `${file.name}: ${words}`, [{ field: 'attachments', rule: code, message: `${file.name}: ${words}` }]);
  let prepared;
  try {
    prepared = await unwrap(api.POST('/conversations/{conversationId}/attachments', { params: { path: { conversationId } }, body: { filename: file.name, contentType, size: file.size } }));
  } catch (error) {
    throw error instanceof ApiError ? refused(error.status, error.code, error.issues.map((issue) => issue.message).join('; ') || error.message) : error;
  }
  const put = await fetch(prepared.uploadUrl, { method: 'PUT', body: file, headers: { 'content-type': contentType } });
  if (!put.ok) throw refused(put.status, 'upload_failed', `the upload failed (${put.status})`);
  return prepared.attachmentId;
}

export function ReplyForm({ conversationId }: { conversationId: string }) {
  const api = useApi();
  const refresh = useRefreshWork();
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const send = useMutation({
    mutationFn: async () => {
      const attachments = await Promise.all(files.map((file) => upload(api, conversationId, file)));
      return unwrap(api.POST('/conversations/{conversationId}/replies', {
        params: { path: { conversationId } },
        body: { text, ...(attachments.length ? { attachments } : {}) },
        headers: { 'idempotency-key': idempotencyKey },
      }));
    },
    onSuccess: () => {
      setText('');
      setFiles([]);
      setIdempotencyKey(crypto.randomUUID());
    },
    onSettled: refresh,
  });
  return (
    <form onSubmit={(event) => { event.preventDefault(); send.mutate(); }} aria-label="Reply by email">
      <Stack gap="xs">
        <Textarea label="Reply" description="Sent by email to the contact, from the inbox's sender address" autosize minRows={3} maxRows={14} value={text} onChange={(event) => setText(event.currentTarget.value)} required error={fieldError(send.error, 'text')} />
        <FileInput label="Attachments" multiple clearable value={files} onChange={setFiles} error={fieldError(send.error, 'attachments')} />
        <Group>
          <Button type="submit" loading={send.isPending}>Send reply</Button>
        </Group>
        {generalError(send.error, FIELDS) && <Alert color="red" role="alert">{generalError(send.error, FIELDS)}</Alert>}
      </Stack>
    </form>
  );
}
