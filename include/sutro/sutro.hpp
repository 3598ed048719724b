#pragma once
// Everything in sutro that compiles with a host compiler alone.

#include "sutro/backend/tags.hpp"
#include "sutro/backend/traits.hpp"
#include "sutro/bits/popcount.hpp"
#include "sutro/config/macros.hpp"
#include "sutro/config/version.hpp"
#include "sutro/memory/accounting_allocator.hpp"
#include "sutro/memory/accounting_resource.hpp"
#include "sutro/memory/aligned_allocator.hpp"
#include "sutro/memory/scoped_measurement.hpp"
#include "sutro/memory/stats.hpp"
