/** Sizes of renditions: fitting an image into a box without distorting or enlarging it. */

/** A bounding box: renditions are as wide as their width, and no side exceeds what their encoders accept. */
export interface Box {
  readonly width: number;
  readonly height: number;
}

/** `width` × `height` scaled to fit inside `box`, aspect ratio kept, never enlarged. */
export function fitInside(width: number, height: number, box: Box): { width: number; height: number } {
  const scale = Math.min(1, box.width / width, box.height / height);
  if (scale === 1) return { width, height };
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
