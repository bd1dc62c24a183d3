/**
 * A SageMaker built-in framework whose published inference images need no build.
 */
export class Framework {
  /** XGBoost (SageMaker's first-party container). Versions look like `1.7-1`. */
  public static readonly XGBOOST = new Framework('xgboost', 'XGBoost');
  /** scikit-learn (SageMaker's first-party container, CPU only). Versions look like `1.2-1`. */
  public static readonly SKLEARN = new Framework('sklearn', 'scikit-learn');
  /** PyTorch inference deep learning container. Versions look like `2.6`. */
  public static readonly PYTORCH = new Framework('pytorch', 'PyTorch');
  /** TensorFlow Serving inference deep learning container. Versions look like `2.16`. */
  public static readonly TENSORFLOW = new Framework('tensorflow', 'TensorFlow');
  /** Hugging Face inference deep learning container on PyTorch. Versions name both, e.g. `4.49.0-pytorch2.6.0`. */
  public static readonly HUGGING_FACE_PYTORCH = new Framework('huggingface-pytorch', 'Hugging Face (PyTorch)');

  private constructor(
    /** The identifier used in requests and config files, e.g. `xgboost`. */
    public readonly id: string,
    /** The name people know the framework by. */
    public readonly displayName: string,
  ) {}
}
