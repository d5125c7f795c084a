/**
 * GPU products as GPU Feature Discovery names them in the node label `nvidia.com/gpu.product`, and their CUDA
 * compute capability.
 *
 * The label value is the NVML device name with every space replaced by `-` (NVIDIA/k8s-device-plugin
 * internal/lm/resource.go `productLabel`), followed by `-MIG-<profile>` for a MIG device under the mixed
 * strategy and `-SHARED` for a time-sliced GPU. Compute capabilities: NVIDIA's CUDA GPU list
 * (developer.nvidia.com/cuda-gpus); GPU Feature Discovery writes the same numbers as `nvidia.com/gpu.compute.major`
 * and `.minor` (internal/lm/resource.go `newArchitectureLabels`).
 */

export interface GpuProduct {
  /** The label value of the whole GPU, e.g. `NVIDIA-L4`. */
  readonly product: string;
  readonly computeCapability: number;
  readonly architecture: string;
}

const P = (architecture: string, computeCapability: number, ...products: string[]): GpuProduct[] =>
  products.map((product) => ({ product, computeCapability, architecture }));

export const GPU_PRODUCTS: readonly GpuProduct[] = [
  ...P('Kepler', 3.7, 'Tesla-K80'),
  ...P('Maxwell', 5.2, 'Tesla-M60', 'Tesla-M40', 'Tesla-M40-24GB'),
  ...P('Pascal', 6.0, 'Tesla-P100-PCIE-16GB', 'Tesla-P100-PCIE-12GB', 'Tesla-P100-SXM2-16GB'),
  ...P('Pascal', 6.1, 'Tesla-P4', 'Tesla-P40'),
  ...P('Volta', 7.0, 'Tesla-V100-SXM2-16GB', 'Tesla-V100-SXM2-32GB', 'Tesla-V100-PCIE-16GB', 'Tesla-V100-PCIE-32GB',
    'Tesla-V100S-PCIE-32GB', 'Tesla-V100-DGXS-32GB'),
  ...P('Turing', 7.5, 'Tesla-T4', 'Quadro-RTX-6000', 'Quadro-RTX-8000'),
  ...P('Ampere', 8.0, 'NVIDIA-A100-SXM4-40GB', 'NVIDIA-A100-SXM4-80GB', 'NVIDIA-A100-PCIE-40GB', 'NVIDIA-A100-80GB-PCIe',
    'NVIDIA-A30'),
  ...P('Ampere', 8.6, 'NVIDIA-A10', 'NVIDIA-A10G', 'NVIDIA-A40', 'NVIDIA-A16', 'NVIDIA-A2', 'NVIDIA-RTX-A6000', 'NVIDIA-RTX-A5000'),
  ...P('Ada Lovelace', 8.9, 'NVIDIA-L4', 'NVIDIA-L40', 'NVIDIA-L40S', 'NVIDIA-RTX-6000-Ada-Generation'),
  ...P('Hopper', 9.0, 'NVIDIA-H100-80GB-HBM3', 'NVIDIA-H100-PCIe', 'NVIDIA-H100-NVL', 'NVIDIA-H200', 'NVIDIA-H200-NVL',
    'NVIDIA-H800', 'NVIDIA-H20', 'NVIDIA-GH200-480GB'),
  ...P('Blackwell', 10.0, 'NVIDIA-B200', 'NVIDIA-GB200'),
  ...P('Blackwell', 12.0, 'NVIDIA-RTX-PRO-6000-Blackwell-Server-Edition'),
];

/** The label value without GPU Feature Discovery's `-SHARED` and `-MIG-<profile>` suffixes. */
export function wholeGpuProduct(label: string): string {
  return label.replace(/-SHARED$/, '').replace(/-MIG-[0-9]+g\.[0-9]+gb(\+[a-z0-9]+)?$/i, '');
}

/** The product table entry of a `nvidia.com/gpu.product` value, or undefined for a product not in the table. */
export function gpuProduct(label: string): GpuProduct | undefined {
  const whole = wholeGpuProduct(label);
  return GPU_PRODUCTS.find((p) => p.product.toLowerCase() === whole.toLowerCase());
}

/** `7.0` -> "7.0", `10` -> "10.0". */
export function ccString(cc: number): string {
  return cc.toFixed(1);
}
