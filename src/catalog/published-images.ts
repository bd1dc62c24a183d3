/*
 * The shape of the image data generated from the SageMaker Python SDK's image
 * URI tables (framework-images.generated.ts). The lookups over it are in
 * framework-catalog.ts and model-monitor-catalog.ts.
 */

/** The account that owns the image's registry, by region: every region SageMaker publishes the image in. */
export type RegistryAccounts = Readonly<Record<string, string>>;

/** One published version of a framework's inference image. */
export interface PublishedVersion {
  /** The version as the catalog names it (and lists it in errors), e.g. `2.6.0` or `4.49.0-pytorch2.6.0`. */
  readonly version: string;
  /** Other spellings that select this version, e.g. `2.6` for `2.6.0`; the first is the one errors suggest. */
  readonly aliases: readonly string[];
  /** The ECR repository, e.g. `pytorch-inference`. */
  readonly repository: string;
  /** The image tag per processor; a processor without a tag is not published. */
  readonly tags: { readonly cpu?: string; readonly gpu?: string };
  readonly accounts: RegistryAccounts;
  /**
   * Set when the same image also trains: the SDK's training scope lists the
   * version with the same repository, tags and registries (the built-in
   * algorithms' one container trains and serves).
   */
  readonly trains?: boolean;
}

/** A framework's published inference images, oldest version first. */
export interface PublishedFramework {
  /** The id requests and the `Framework` constants use, e.g. `xgboost`. */
  readonly id: string;
  readonly versions: readonly PublishedVersion[];
}

/** An image with no versions, such as the Model Monitor analyzer (SageMaker asks for no tag). */
export interface PublishedImage {
  readonly repository: string;
  readonly accounts: RegistryAccounts;
}
