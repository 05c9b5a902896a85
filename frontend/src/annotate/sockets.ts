// The two sockets of the annotation screen, on top of ReconnectingSocket:
// - segmentation (/ws/annotate/<scene>/): prompts out, masks in; pending prompts are resent after a reconnect;
// - scene events (/ws/scenes/<scene>/events/): others' annotation changes in.
import { ReconnectingSocket, wsUrl, type SocketLike, type SocketState } from '../net/reconnectingSocket';
import type { AnnotationEvent, LonLatBounds, SegmentationMessage } from '../types';
import type { PromptMessage } from './promptSession';

export interface ViewportMessage {
  type: 'viewport';
  bbox: LonLatBounds;
  map_resolution: number;
}

type Create = (url: string) => SocketLike;
const browserSocket: Create = (url) => new WebSocket(url) as unknown as SocketLike;

export interface SegmentationHandlers {
  onMessage(msg: SegmentationMessage): void;
  onState(state: SocketState, info: { attempt: number; code?: number; retryInMs?: number }): void;
}

export class SegmentationSocket {
  private readonly socket: ReconnectingSocket<SegmentationMessage, PromptMessage | ViewportMessage>;

  constructor(sceneId: number, handlers: SegmentationHandlers, create: Create = browserSocket, location: Location = window.location) {
    this.socket = new ReconnectingSocket({
      url: wsUrl(`/ws/annotate/${sceneId}/`, location),
      create,
      onState: handlers.onState,
      onMessage: (msg) => {
        // An answer settles its prompt: it is not resent after a reconnect.
        if ((msg.type === 'mask' || msg.type === 'error') && msg.request_id) this.socket.settle(msg.request_id);
        handlers.onMessage(msg);
      },
    });
  }

  /** Only the newest prompt matters: older unanswered ones are not resent. */
  prompt(msg: PromptMessage): void {
    for (const key of this.socket.pendingKeys) this.socket.settle(key);
    this.socket.send(msg, msg.request_id);
  }

  viewport(bbox: LonLatBounds, mapResolution: number): void {
    this.socket.sendSticky('viewport', { type: 'viewport', bbox, map_resolution: mapResolution });
  }

  close(): void {
    this.socket.close();
  }
}

export class SceneEventsSocket {
  private readonly socket: ReconnectingSocket<AnnotationEvent | { type: string }>;

  constructor(
    sceneId: number,
    onEvent: (e: AnnotationEvent) => void,
    /** After a reconnect events may have been missed: refetch what is shown. */
    onReopen: () => void,
    onState: (state: SocketState) => void,
    create: Create = browserSocket,
    location: Location = window.location,
  ) {
    this.socket = new ReconnectingSocket({
      url: wsUrl(`/ws/scenes/${sceneId}/events/`, location),
      create,
      onReopen,
      onState,
      onMessage: (msg) => {
        if (typeof msg.type === 'string' && msg.type.startsWith('annotation.')) onEvent(msg as AnnotationEvent);
      },
    });
  }

  close(): void {
    this.socket.close();
  }
}
