import { DefaultIn, type Note } from '@switchboard/client';
import { useSocketEvent, useSwitchboardClient } from '@switchboard/client/react';
import { useQuery, useQueryClient } from '@tanstack/react-query';

const notesKey = (conversationId: string) => ['notes', conversationId] as const;

function addOnce(list: Note[] | undefined, note: Note): Note[] {
  const rest = (list ?? []).filter((n) => n.id !== note.id);
  return [...rest, note].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
}

/**
 * A conversation's private notes (staff only): read once over HTTP, then kept live by
 * `note_created`, which the server sends to tenant staff and never to the conversation's room.
 */
export function useNotes(conversationId: string) {
  const client = useSwitchboardClient();
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: notesKey(conversationId),
    queryFn: async () => (await client!.api.listNotes(conversationId)).notes,
    enabled: client !== null,
    retry: false,
  });
  useSocketEvent(DefaultIn.note_created, (e) => {
    if (e.conversationId === conversationId) queryClient.setQueryData<Note[]>(notesKey(conversationId), (l) => addOnce(l, e.note));
  });
  const addNote = async (content: string): Promise<Note> => {
    if (!client) throw new Error('Not connected');
    const note = await client.api.addNote(conversationId, content);
    queryClient.setQueryData<Note[]>(notesKey(conversationId), (l) => addOnce(l, note));
    return note;
  };
  return { notes: query.data ?? [], error: query.error, addNote };
}
