#pragma once
// Everything in sutro that compiles with a host compiler alone, layer by layer.
// Including one module's headers is cheaper; this is for experiments and for
// checking that the whole library compiles together.

// config, backend
#include "sutro/backend/tags.hpp"
#include "sutro/backend/traits.hpp"
#include "sutro/config/macros.hpp"
#include "sutro/config/version.hpp"

// memory: allocators, accounting, tracing, reuse distance
#include "sutro/memory/accessor.hpp"
#include "sutro/memory/accounting_allocator.hpp"
#include "sutro/memory/accounting_resource.hpp"
#include "sutro/memory/aligned_allocator.hpp"
#include "sutro/memory/scoped_measurement.hpp"
#include "sutro/memory/stats.hpp"
#include "sutro/memory/trace.hpp"
#include "sutro/metrics/reuse_distance.hpp"

// bit primitives, GF(2), neural nets
#include "sutro/bits/popcount.hpp"
#include "sutro/gf2/all.hpp"
#include "sutro/gf2/recorded.hpp"
#include "sutro/nn/mlp.hpp"
#include "sutro/nn/recorded_mlp.hpp"
#include "sutro/nn/train.hpp"

// tasks, solvers, optimizers, interop
#include "sutro/io/npy.hpp"
#include "sutro/optim/optimizers.hpp"
#include "sutro/solvers/batch.hpp"
#include "sutro/solvers/exhaustive.hpp"
#include "sutro/solvers/gf2_elimination.hpp"
#include "sutro/solvers/gf2_general.hpp"
#include "sutro/solvers/noisy_parity.hpp"
#include "sutro/solvers/robust_gf2.hpp"
#include "sutro/solvers/small_system.hpp"
#include "sutro/solvers/sparse_sum.hpp"
#include "sutro/tasks/batch.hpp"
#include "sutro/tasks/gf2_form.hpp"
#include "sutro/tasks/sparse_task.hpp"

// metrics and energy
#include "sutro/energy/nvml.hpp"
#include "sutro/energy/rapl.hpp"
#include "sutro/metrics/dmd/bytedmd.hpp"
#include "sutro/metrics/dmd/reference_kernels.hpp"
#include "sutro/metrics/energy_estimate.hpp"
#include "sutro/metrics/summary.hpp"

// lab harness
#include "sutro/lab/experiment.hpp"
#include "sutro/lab/mlp_method.hpp"
#include "sutro/lab/report.hpp"
