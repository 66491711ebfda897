/**
 * The images netq's containers run: the one to run (asked for, else the `netq service build`
 * image, else the pinned one; pulled when missing, with what works offline), `netq service
 * build`'s image and its base, and image references compared as the engine does.
 */
import { DockerError } from '../errors.js';
import { LABELS, type ContainerManagerOptions } from './container-settings.js';
import type { ContainerInfo, ProgressEvent } from './engine.js';
import type { DockerNames } from './names.js';

/**
 * The image to run: the one asked for, else the image `netq service build` made, else the pinned
 * upstream image; pulled (with progress) when the engine does not have it. The engine was pinged.
 */
export async function resolveImage(options: ContainerManagerOptions, names: DockerNames, requested: string | undefined): Promise<string> {
  const { engine, signal } = options;
  const { localImage, pinnedImage } = names;
  const image = requested ?? ((await engine.inspectImage(localImage)) ? localImage : pinnedImage);
  if (await engine.inspectImage(image)) return image;
  options.onPhase?.(`pulling ${image}`);
  try {
    await engine.pullImage(image, (event) => options.onPhase?.(`pulling ${image}: ${event.text}`), signal);
  } catch (error) {
    if (!(error instanceof DockerError)) throw error;
    throw new DockerError(error.message, { hint: pullHint(image, requested !== undefined), cause: error });
  }
  return image;
}

/** The image a container's image was built on by `netq service build`; undefined for any other image. */
export async function baseImageOf(options: ContainerManagerOptions, info: ContainerInfo): Promise<string | undefined> {
  const image = await options.engine.inspectImage(info.imageId || info.image);
  return image?.labels[LABELS.baseImage] || undefined;
}

/** Builds Dockerfile-batfish as `tag` on `base` (see BatfishContainers.buildImage). The engine was pinged. */
export async function buildImage(
  options: ContainerManagerOptions,
  build: { contextDir: string; base: string; tag: string },
  onProgress: (event: ProgressEvent) => void,
): Promise<{ tag: string; base: string }> {
  const { engine, signal } = options;
  const { base, tag } = build;
  try {
    const spec = { contextDir: build.contextDir, files: ['Dockerfile-batfish'], dockerfile: 'Dockerfile-batfish', tag, buildArgs: { BATFISH_IMAGE: base } };
    await engine.buildImage(spec, onProgress, signal);
  } catch (error) {
    if (!(error instanceof DockerError)) throw error;
    throw new DockerError(`${error.message} (base image ${base})`, {
      hint: `the base image must be here (docker images) or pullable: pull it, or docker load a saved copy (docker save ${base} -o batfish.tar where it can be pulled), or pass a mirror with --base-image`,
      cause: error,
    });
  }
  if (!(await engine.inspectImage(tag))) {
    throw new DockerError(`the build of ${tag} reported success but the image is missing`, { hint: 'run again with --verbose to see the build output' });
  }
  return { tag, base };
}

/** `batfish/batfish` and `docker.io/library/x:latest` style references, compared as the engine does. */
export function normalizeImage(ref: string): string {
  let name = ref.replace(/^docker\.io\//, '').replace(/^library\//, '');
  if (!/[:@][^/]*$/.test(name)) name += ':latest';
  return name;
}

/** What works when an image cannot be pulled (an offline machine, a registry behind a mirror). */
function pullHint(image: string, requested: boolean): string {
  const saved = `load a saved copy (docker save ${image} -o batfish.tar where it can be pulled, then docker load -i batfish.tar here)`;
  const existing = 'or use a Batfish that runs elsewhere with --batfish-url http://HOST:9996';
  if (requested) return `check the name and your access to its registry (docker login); without that registry: ${saved}, ${existing}`;
  return `without access to its registry: run a mirror of it with --image or NETQ_BATFISH_IMAGE (e.g. registry.example.com/${image}), ${saved}, ${existing}`;
}
