//! Which matrix-product kernel runs, and with which tile, chosen from the
//! device's limits. Pure functions of [`wgpu::Limits`] and the product's
//! shape, so the choice is unit-tested without a GPU.
//!
//! The register-blocked kernel (`shaders/matmul_tiled.wgsl`) gives each
//! workgroup a `tile_rows × tile_cols` block of C and each thread a
//! `thread_rows × thread_cols` block inside it. For every `depth`-wide slab
//! of the inner dimension the workgroup stages a `tile_rows × depth` piece of
//! op(A) and a `depth × tile_cols` piece of op(B) in workgroup memory; each
//! thread then reads `thread_rows + thread_cols` values per step of k (as
//! vec4) and does `thread_rows · thread_cols` multiply-adds with them, where
//! the one-output-per-thread kernel does one multiply-add per two reads.
//!
//! ```text
//! threads per workgroup   (tile_cols / thread_cols) × (tile_rows / thread_rows)
//! workgroup memory        (tile_rows + 4 + tile_cols + 4) · depth · 4 bytes
//!                         (each k-row of a tile padded by 4 floats against bank conflicts)
//! workgroups of a product ⌈cols / tile_cols⌉ × ⌈rows / tile_rows⌉
//! ```
//!
//! Two tiles: [`TileConfig::LARGE`] (128×128, 8×8 per thread) where the
//! device allows more than WebGPU's default 16 KiB of workgroup memory, and
//! [`TileConfig::FALLBACK`] (64×64, 4×4 per thread), which fits WebGPU's
//! default limits (SwiftShader in Chromium, any browser; lavapipe allows
//! 32 KiB and gets both).
//!
//! A big tile leaves most of a large GPU idle when a product has few tiles
//! (the 1024×1024 weight gradient is 64 large tiles; a batch of 32 through
//! a 1024-wide layer is 16 fallback tiles), so [`TilePlan::variant_for`]
//! picks per product, by how many workgroups each choice gives:
//!
//! ```text
//! large tile      if it gives ≥ LARGE_TILE_MIN_WORKGROUPS (128)
//! fallback tile   else if it gives ≥ NAIVE_BELOW_WORKGROUPS (32)
//! naive kernel    else: a small or thin product (the output layer's, a
//!                 short batch), where one output per thread makes 16× as
//!                 many workgroups as the fallback tile and wastes less on
//!                 padding (a 2-column output fills 2 of 16 columns, not 2 of 64)
//! ```
//!
//! The two thresholds are estimates for a GPU with ~100 compute units, not
//! yet measured.

use crate::GpuError;

/// Floats added to each k-row of a staged tile so that threads storing down
/// a column of it hit different memory banks.
pub const TILE_PADDING: u32 = 4;

/// The large tile is used for a product only when it gives at least this
/// many workgroups (enough to spread over the ~100 compute units of a big
/// GPU); smaller products take the fallback tile, which makes 4× as many.
pub const LARGE_TILE_MIN_WORKGROUPS: u32 = 128;

/// Products for which the fallback tile gives fewer workgroups than this
/// run on the naive kernel (in a plan from [`TilePlan::for_limits`]).
pub const NAIVE_BELOW_WORKGROUPS: u32 = 32;

/// The shape of the register-blocked kernel's tiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TileConfig {
    /// Rows of C per workgroup.
    pub tile_rows: u32,
    /// Columns of C per workgroup.
    pub tile_cols: u32,
    /// Width of the slab of the inner dimension staged at a time.
    pub depth: u32,
    /// Rows of C per thread (a multiple of 4: read as vec4).
    pub thread_rows: u32,
    /// Columns of C per thread (a multiple of 4: read as vec4).
    pub thread_cols: u32,
}

impl TileConfig {
    /// 128×128 outputs per workgroup, 8×8 per thread, 256 threads, slabs of
    /// 16: 16.5 KiB of workgroup memory, just over WebGPU's default.
    pub const LARGE: Self = Self {
        tile_rows: 128,
        tile_cols: 128,
        depth: 16,
        thread_rows: 8,
        thread_cols: 8,
    };

    /// 64×64 outputs per workgroup, 4×4 per thread, 256 threads, slabs of
    /// 16: 8.5 KiB, inside WebGPU's default limits and wgpu's downlevel ones.
    pub const FALLBACK: Self = Self {
        tile_rows: 64,
        tile_cols: 64,
        depth: 16,
        thread_rows: 4,
        thread_cols: 4,
    };

    /// Threads per workgroup along x (columns) and y (rows).
    pub fn threads(&self) -> (u32, u32) {
        (
            self.tile_cols / self.thread_cols,
            self.tile_rows / self.thread_rows,
        )
    }

    /// Threads per workgroup.
    pub fn invocations(&self) -> u32 {
        let (x, y) = self.threads();
        x * y
    }

    /// Bytes of workgroup memory the two staged tiles take.
    pub fn workgroup_bytes(&self) -> u32 {
        (self.tile_rows + TILE_PADDING + self.tile_cols + TILE_PADDING) * self.depth * 4
    }

    /// Workgroups along x and y for a rows×cols product.
    pub fn workgroups(&self, rows: usize, cols: usize) -> (u32, u32) {
        (
            (cols as u32).div_ceil(self.tile_cols),
            (rows as u32).div_ceil(self.tile_rows),
        )
    }

    /// Whether the shader's assumptions hold: vec4 register blocks, tiles
    /// made of whole thread blocks, and staging loads that share out evenly.
    pub fn is_well_formed(&self) -> bool {
        let Self {
            tile_rows,
            tile_cols,
            depth,
            thread_rows,
            thread_cols,
        } = *self;
        let positive = [tile_rows, tile_cols, depth, thread_rows, thread_cols]
            .iter()
            .all(|&n| n > 0);
        positive
            && thread_rows % 4 == 0
            && thread_cols % 4 == 0
            && tile_rows % thread_rows == 0
            && tile_cols % thread_cols == 0
            && (tile_rows * depth) % self.invocations() == 0
            && (tile_cols * depth) % self.invocations() == 0
    }

    /// Why this tile does not fit `limits`, or `None` when it does.
    pub fn misfit(&self, limits: &wgpu::Limits) -> Option<String> {
        let (x, y) = self.threads();
        if self.invocations() > limits.max_compute_invocations_per_workgroup
            || x > limits.max_compute_workgroup_size_x
            || y > limits.max_compute_workgroup_size_y
        {
            return Some(format!(
                "a {}×{} tile needs {x}×{y} threads per workgroup; the device allows {} ({}×{} at most)",
                self.tile_rows,
                self.tile_cols,
                limits.max_compute_invocations_per_workgroup,
                limits.max_compute_workgroup_size_x,
                limits.max_compute_workgroup_size_y,
            ));
        }
        if self.workgroup_bytes() > limits.max_compute_workgroup_storage_size {
            return Some(format!(
                "a {}×{} tile needs {} bytes of workgroup memory; the device allows {}",
                self.tile_rows,
                self.tile_cols,
                self.workgroup_bytes(),
                limits.max_compute_workgroup_storage_size
            ));
        }
        None
    }
}

/// Which kernel variant each product of the register-blocked kernel uses
/// on one device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TilePlan {
    /// The large tile, where the device allows it.
    pub large: Option<TileConfig>,
    /// The tile for everything else.
    pub fallback: TileConfig,
    /// Products for which `fallback` gives fewer workgroups than this run on
    /// the naive kernel (0: never).
    pub naive_below: u32,
}

impl TilePlan {
    /// The plan for a device with `limits`: the large tile if it fits, the
    /// fallback tile, which must fit, and the naive kernel for small products.
    pub fn for_limits(limits: &wgpu::Limits) -> Result<Self, GpuError> {
        if let Some(why) = TileConfig::FALLBACK.misfit(limits) {
            return Err(GpuError::Limits(why));
        }
        Ok(Self {
            large: TileConfig::LARGE
                .misfit(limits)
                .is_none()
                .then_some(TileConfig::LARGE),
            fallback: TileConfig::FALLBACK,
            naive_below: NAIVE_BELOW_WORKGROUPS,
        })
    }

    /// A plan that runs every product on `config` (to check or time one tile).
    pub fn only(config: TileConfig) -> Self {
        Self {
            large: None,
            fallback: config,
            naive_below: 0,
        }
    }

    /// Every variant the plan may use.
    pub fn variants(&self) -> Vec<KernelVariant> {
        let mut variants = vec![KernelVariant::Tiled(self.fallback)];
        if let Some(large) = self.large.filter(|large| *large != self.fallback) {
            variants.push(KernelVariant::Tiled(large));
        }
        if self.naive_below > 0 {
            variants.push(KernelVariant::Naive);
        }
        variants
    }

    /// The variant for a rows×cols product (see the module docs).
    pub fn variant_for(&self, rows: usize, cols: usize) -> KernelVariant {
        let count = |config: TileConfig| {
            let (x, y) = config.workgroups(rows, cols);
            x * y
        };
        match self.large {
            Some(large) if count(large) >= LARGE_TILE_MIN_WORKGROUPS => KernelVariant::Tiled(large),
            _ if count(self.fallback) < self.naive_below => KernelVariant::Naive,
            _ => KernelVariant::Tiled(self.fallback),
        }
    }
}

/// Which kernel computes the trainer's matrix products.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatmulKernel {
    /// Every product on the one-output-per-thread kernel
    /// (`matmul_naive.wgsl`, the kernel before register blocking), to time
    /// the plan against.
    Naive,
    /// Each product on the variant the plan picks for its shape: mostly the
    /// register-blocked kernel (`matmul_tiled.wgsl`). The default.
    Tiled(TilePlan),
}

/// Threads per side of the naive kernel's square workgroup (and outputs per
/// side of its tile).
pub const NAIVE_TILE: u32 = 16;

/// One compiled form of a matmul kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KernelVariant {
    /// One output per thread, 16×16 tiles.
    Naive,
    /// The register-blocked kernel with one tile.
    Tiled(TileConfig),
}

impl KernelVariant {
    /// Why this variant cannot run on a device with `limits`, if it cannot.
    pub fn misfit(&self, limits: &wgpu::Limits) -> Option<String> {
        match self {
            Self::Naive => (NAIVE_TILE * NAIVE_TILE > limits.max_compute_invocations_per_workgroup
                || NAIVE_TILE > limits.max_compute_workgroup_size_x
                || NAIVE_TILE > limits.max_compute_workgroup_size_y)
                .then(|| {
                    format!(
                        "the naive matmul needs {NAIVE_TILE}×{NAIVE_TILE} threads per workgroup; the device allows {}",
                        limits.max_compute_invocations_per_workgroup
                    )
                }),
            Self::Tiled(config) if !config.is_well_formed() => {
                Some(format!("the tile {config:?} is not well formed"))
            }
            Self::Tiled(config) => config.misfit(limits),
        }
    }

    /// Workgroups along x and y for a rows×cols product.
    pub fn workgroups(&self, rows: usize, cols: usize) -> (u32, u32) {
        match self {
            Self::Naive => (
                (cols as u32).div_ceil(NAIVE_TILE),
                (rows as u32).div_ceil(NAIVE_TILE),
            ),
            Self::Tiled(config) => config.workgroups(rows, cols),
        }
    }
}

impl MatmulKernel {
    /// The register-blocked kernel with the tiles `limits` allow.
    pub fn for_limits(limits: &wgpu::Limits) -> Result<Self, GpuError> {
        TilePlan::for_limits(limits).map(Self::Tiled)
    }

    /// One line for tables and logs: the kernel and its variants.
    pub fn describe(&self) -> String {
        let tile = |c: &TileConfig| {
            format!(
                "{}×{} tile, {}×{} per thread, depth {}",
                c.tile_rows, c.tile_cols, c.thread_rows, c.thread_cols, c.depth
            )
        };
        match self {
            Self::Naive => "naive (1 output per thread, 16×16 tiles)".to_string(),
            Self::Tiled(plan) => {
                let mut parts = Vec::new();
                if let Some(large) = plan.large {
                    parts.push(format!(
                        "{} when ≥ {LARGE_TILE_MIN_WORKGROUPS} workgroups",
                        tile(&large)
                    ));
                }
                parts.push(tile(&plan.fallback));
                if plan.naive_below > 0 {
                    parts.push(format!(
                        "naive when the {}×{} tile gives < {} workgroups",
                        plan.fallback.tile_rows, plan.fallback.tile_cols, plan.naive_below
                    ));
                }
                format!("tiled ({})", parts.join("; "))
            }
        }
    }

    /// Every variant this kernel may use.
    pub fn variants(&self) -> Vec<KernelVariant> {
        match self {
            Self::Naive => vec![KernelVariant::Naive],
            Self::Tiled(plan) => plan.variants(),
        }
    }

    /// The variant that computes a rows×cols product.
    pub fn variant_for(&self, rows: usize, cols: usize) -> KernelVariant {
        match self {
            Self::Naive => KernelVariant::Naive,
            Self::Tiled(plan) => plan.variant_for(rows, cols),
        }
    }

    /// Why this kernel cannot run on a device with `limits`, if it cannot.
    pub fn misfit(&self, limits: &wgpu::Limits) -> Option<String> {
        self.variants()
            .iter()
            .find_map(|variant| variant.misfit(limits))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Limits with `bytes` of workgroup memory and `threads` invocations,
    /// WebGPU's defaults otherwise.
    fn limits(bytes: u32, threads: u32) -> wgpu::Limits {
        wgpu::Limits {
            max_compute_workgroup_storage_size: bytes,
            max_compute_invocations_per_workgroup: threads,
            ..wgpu::Limits::defaults()
        }
    }

    #[test]
    fn both_tiles_are_well_formed_and_have_the_documented_footprint() {
        for config in [TileConfig::LARGE, TileConfig::FALLBACK] {
            assert!(config.is_well_formed(), "{config:?}");
            assert_eq!(config.invocations(), 256);
        }
        assert_eq!(TileConfig::LARGE.workgroup_bytes(), (132 + 132) * 16 * 4);
        assert_eq!(TileConfig::FALLBACK.workgroup_bytes(), (68 + 68) * 16 * 4);
        assert_eq!(TileConfig::LARGE.threads(), (16, 16));
        let bad = TileConfig {
            thread_cols: 6,
            ..TileConfig::FALLBACK
        };
        assert!(!bad.is_well_formed());
        let uneven = TileConfig {
            depth: 3,
            ..TileConfig::FALLBACK
        };
        assert!(!uneven.is_well_formed());
    }

    #[test]
    fn webgpu_defaults_get_the_fallback_tile_and_the_naive_kernel() {
        let plan = TilePlan::for_limits(&wgpu::Limits::defaults()).unwrap();
        assert_eq!(
            plan,
            TilePlan {
                large: None,
                fallback: TileConfig::FALLBACK,
                naive_below: NAIVE_BELOW_WORKGROUPS,
            }
        );
        assert_eq!(
            plan.variants(),
            [
                KernelVariant::Tiled(TileConfig::FALLBACK),
                KernelVariant::Naive
            ]
        );
        let plan = TilePlan::for_limits(&wgpu::Limits::downlevel_defaults()).unwrap();
        assert_eq!(plan.large, None);
    }

    #[test]
    fn a_desktop_device_gets_the_large_tile_too() {
        // lavapipe reports 32 KiB and 1024 invocations; NVIDIA 48 KiB and 1024.
        let plan = TilePlan::for_limits(&limits(32_768, 1024)).unwrap();
        assert_eq!(plan.large, Some(TileConfig::LARGE));
        assert_eq!(plan.fallback, TileConfig::FALLBACK);
        assert_eq!(plan.variants().len(), 3);
        // One byte short of the large tile's footprint.
        let plan = TilePlan::for_limits(&limits(TileConfig::LARGE.workgroup_bytes() - 1, 1024));
        assert_eq!(plan.unwrap().large, None);
    }

    #[test]
    fn too_small_a_device_is_refused_with_what_it_lacks() {
        let message = TilePlan::for_limits(&limits(16_384, 128))
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("16×16 threads") && message.contains("allows 128"),
            "{message}"
        );
        let message = TilePlan::for_limits(&limits(4096, 256))
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("8704 bytes") && message.contains("allows 4096"),
            "{message}"
        );
        let forced = MatmulKernel::Tiled(TilePlan::only(TileConfig::LARGE));
        let message = forced.misfit(&wgpu::Limits::defaults()).unwrap();
        assert!(message.contains("16896 bytes"), "{message}");
        assert!(
            MatmulKernel::Naive
                .misfit(&wgpu::Limits::defaults())
                .is_none()
        );
        let message = MatmulKernel::Naive.misfit(&limits(16_384, 64)).unwrap();
        assert!(message.contains("allows 64"), "{message}");
        let malformed = MatmulKernel::Tiled(TilePlan::only(TileConfig {
            thread_rows: 3,
            ..TileConfig::FALLBACK
        }));
        let message = malformed.misfit(&limits(65_536, 1024)).unwrap();
        assert!(message.contains("not well formed"), "{message}");
    }

    #[test]
    fn each_product_gets_the_variant_that_keeps_a_big_gpu_busy() {
        let plan = TilePlan::for_limits(&limits(49_152, 1024)).unwrap();
        let large = KernelVariant::Tiled(TileConfig::LARGE);
        let fallback = KernelVariant::Tiled(TileConfig::FALLBACK);
        // Width 1024, batch 4096: the forward product is 32×8 large tiles.
        assert_eq!(plan.variant_for(4096, 1024), large);
        // Its weight gradient (1024×1024) is only 64 large tiles, 256 small.
        assert_eq!(plan.variant_for(1024, 1024), fallback);
        // Batch 256 through width 1024: 64 fallback tiles.
        assert_eq!(plan.variant_for(256, 1024), fallback);
        // Batch 32 through width 1024 (16 fallback tiles), the output
        // layer's products (2 columns or rows) and tiny products: naive.
        assert_eq!(plan.variant_for(32, 1024), KernelVariant::Naive);
        assert_eq!(plan.variant_for(1024, 2), KernelVariant::Naive);
        assert_eq!(plan.variant_for(2, 1024), KernelVariant::Naive);
        assert_eq!(plan.variant_for(32, 64), KernelVariant::Naive);
        // The thresholds, exactly: 16×8 large tiles; 8×4 fallback tiles.
        assert_eq!(plan.variant_for(2048, 1024), large);
        assert_eq!(plan.variant_for(2047, 1024), large);
        assert_eq!(plan.variant_for(1920, 1024), fallback);
        assert_eq!(plan.variant_for(512, 256), fallback);
        assert_eq!(plan.variant_for(448, 256), KernelVariant::Naive);
        // A forced plan never switches.
        let only = TilePlan::only(TileConfig::LARGE);
        assert_eq!(only.variant_for(1, 1), large);
        assert_eq!(only.variants(), [large]);
    }

    #[test]
    fn workgroups_cover_shapes_that_are_not_multiples_of_the_tile() {
        assert_eq!(TileConfig::FALLBACK.workgroups(1, 1), (1, 1));
        assert_eq!(TileConfig::FALLBACK.workgroups(129, 65), (2, 3));
        assert_eq!(TileConfig::LARGE.workgroups(128, 129), (2, 1));
        assert_eq!(KernelVariant::Naive.workgroups(17, 33), (3, 2));
        let kernel = MatmulKernel::Tiled(TilePlan::for_limits(&limits(49_152, 1024)).unwrap());
        assert_eq!(kernel.variants().len(), 3);
        assert_eq!(
            kernel.variant_for(4096, 1024),
            KernelVariant::Tiled(TileConfig::LARGE)
        );
        assert_eq!(
            MatmulKernel::Naive.variant_for(4096, 1024),
            KernelVariant::Naive
        );
        assert_eq!(MatmulKernel::Naive.variants(), [KernelVariant::Naive]);
    }

    #[test]
    fn the_description_names_every_variant() {
        let kernel = MatmulKernel::for_limits(&limits(32_768, 1024)).unwrap();
        assert_eq!(
            kernel.describe(),
            "tiled (128×128 tile, 8×8 per thread, depth 16 when ≥ 128 workgroups; \
             64×64 tile, 4×4 per thread, depth 16; \
             naive when the 64×64 tile gives < 32 workgroups)"
        );
    }
}
