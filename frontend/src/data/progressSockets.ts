// Export progress over the scene event sockets: an export tells every scene it covers (`export.progress`), so the
// exports page listens on the sockets of the scenes its running exports cover. At most MAX_SOCKETS at once; the
// page also refetches the job list now and then, which covers exports of more scenes and missed events.
import { ReconnectingSocket, wsUrl, type SocketLike } from '../net/reconnectingSocket';
import type { ExportProgressEvent } from './types';

export const MAX_SOCKETS = 8;

type Create = (url: string) => SocketLike;
const browserSocket: Create = (url) => new WebSocket(url) as unknown as SocketLike;

export function isExportProgress(msg: unknown): msg is ExportProgressEvent {
  if (!msg || typeof msg !== 'object') return false;
  const m = msg as Partial<ExportProgressEvent>;
  return m.type === 'export.progress' && typeof m.export_id === 'number' && typeof m.progress === 'number' && typeof m.status === 'string';
}

/** Which scene sockets to hold for the running exports' scenes: one per export first, then the rest, capped. */
export function socketsToHold(sceneIdsPerJob: number[][], max: number = MAX_SOCKETS): number[] {
  const chosen: number[] = [];
  const add = (id: number) => {
    if (chosen.length < max && !chosen.includes(id)) chosen.push(id);
  };
  for (const ids of sceneIdsPerJob) if (ids.length && !ids.some((id) => chosen.includes(id))) add(ids[0]!);
  for (const ids of sceneIdsPerJob) for (const id of ids) add(id);
  return chosen;
}

export class ExportProgressSockets {
  private readonly sockets = new Map<number, ReconnectingSocket<unknown>>();

  constructor(
    private readonly onProgress: (e: ExportProgressEvent) => void,
    /** After a reconnect events may have been missed. */
    private readonly onReopen: () => void,
    private readonly create: Create = browserSocket,
    private readonly location: { protocol: string; host: string } = window.location,
  ) {}

  /** Hold sockets for exactly these scenes. */
  follow(sceneIds: number[]): void {
    for (const [id, socket] of this.sockets) {
      if (!sceneIds.includes(id)) {
        socket.close();
        this.sockets.delete(id);
      }
    }
    for (const id of sceneIds) {
      if (this.sockets.has(id)) continue;
      this.sockets.set(
        id,
        new ReconnectingSocket<unknown>({
          url: wsUrl(`/ws/scenes/${id}/events/`, this.location),
          create: this.create,
          onReopen: this.onReopen,
          onMessage: (msg) => {
            if (isExportProgress(msg)) this.onProgress(msg);
          },
        }),
      );
    }
  }

  get following(): number[] {
    return [...this.sockets.keys()];
  }

  close(): void {
    this.follow([]);
  }
}
