import { InputError } from '../errors.js';

/** The names of what netq creates in Docker, and of the images it looks for. */
export interface DockerNames {
  /** Value of the `io.netq.managed-by` label on netq's containers and network; netq finds its own by it. */
  owner: string;
  /** Containers are named `<containerPrefix>-<8 hex>`. */
  containerPrefix: string;
  /** netq's own bridge network (created on demand, labelled like the containers). */
  network: string;
  /** The tag `netq service build` gives its image; commands prefer it when it exists. */
  localImage: string;
  /** The upstream image netq pulls when nothing else is asked for (a dated release tag, never `latest`). */
  pinnedImage: string;
}

/** netq's own names. */
export const NETQ_NAMES: DockerNames = {
  owner: 'netq',
  containerPrefix: 'netq-batfish',
  network: 'netq-batfish',
  localImage: 'netq/batfish:local',
  pinnedImage: 'batfish/batfish:2025.07.07.2423',
};

/** The environment variable that moves every Docker name of netq into a namespace of its own. */
export const NAMESPACE_ENV = 'NETQ_DOCKER_NAMESPACE';

/**
 * netq's names, or with `NETQ_DOCKER_NAMESPACE=NAME` a separate set under `netq-NAME` (label
 * `io.netq.managed-by=netq-NAME`, containers and network `netq-NAME-batfish`, images
 * `netq-NAME/batfish:local` and, in place of the pinned upstream image, `netq-NAME/batfish:upstream`).
 * The Docker tests run in one, so they never build, run or remove anything under netq's real names.
 */
export function dockerNamesOf(env: Record<string, string | undefined>): DockerNames {
  const namespace = env[NAMESPACE_ENV];
  if (!namespace) return NETQ_NAMES;
  if (!/^[a-z0-9][a-z0-9-]{0,30}$/.test(namespace)) {
    throw new InputError(`${NAMESPACE_ENV} '${namespace}' is not a namespace`, { hint: 'use lower-case letters, digits and dashes, e.g. test' });
  }
  const owner = `netq-${namespace}`;
  return {
    owner,
    containerPrefix: `${owner}-batfish`,
    network: `${owner}-batfish`,
    localImage: `${owner}/batfish:local`,
    pinnedImage: `${owner}/batfish:upstream`,
  };
}
