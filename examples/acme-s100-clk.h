/* SPDX-License-Identifier: MIT */
/* Clock indices of the ACME S100 global clock controller (example). */
#ifndef _DT_BINDINGS_CLOCK_ACME_S100_CLK_H
#define _DT_BINDINGS_CLOCK_ACME_S100_CLK_H

#define GCC_SMMU_AXI_CLK	0
#define GCC_UFS_AXI_CLK		1
#define GCC_USB_MASTER_CLK	2
#define GCC_GPU_CFG_CLK		3
#define GCC_VENUS_CORE_CLK	4
#define GCC_DISP_AHB_CLK	5
#define GCC_RPMH_AHB_CLK	6

#endif
