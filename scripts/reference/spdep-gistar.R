# Reference values for svd's Gi* (src/hotspots/hotspotGistar.ts), computed with R spdep and sf
# from Debian's packages (r-cran-spdep, r-cran-sf). Run through scripts/reference/hotspot-fixtures.ts,
# which prepares the inputs; see tests/fixtures/hotspots/README.md.
#
#   Rscript scripts/reference/spdep-gistar.R grid   INPUT.csv OUTPUT.csv CELL_SIZE
#   Rscript scripts/reference/spdep-gistar.R lsoa   BOUNDARIES.geojson OUTPUT.csv SNAP STREET.csv...
#   Rscript scripts/reference/spdep-gistar.R bench  CELLS.csv CELL_SIZE REPEATS
#
# grid: cells with easting, northing and count; neighbours by spdep::dnearneigh within
#   1.5 x the cell size (between the diagonal, 1.414, and the next ring, 2: the queen's cells, as
#   sfhotspot's cell_size * sqrt(2) means, without depending on rounding at exactly sqrt(2)),
#   then include.self, binary weights (style "B") and spdep::localG.
# lsoa: polygons read with sf, projected to British National Grid (EPSG:27700), queen contiguity
#   by spdep::poly2nb(queen = TRUE, snap = SNAP metres), include.self, style "B", localG on the
#   number of rows of the police.uk street files whose `LSOA code` is the LSOA's (counted here,
#   independently of svd).
suppressPackageStartupMessages({
  library(sf)
  library(spdep)
})

args <- commandArgs(trailingOnly = TRUE)
fmt <- function(v) ifelse(is.na(v), "NA", sprintf("%.17g", v))

gistar_table <- function(ids, x, nb) {
  lw <- nb2listw(include.self(nb), style = "B")
  z <- as.numeric(localG(x, lw))
  p <- 2 * pnorm(-abs(z))
  data.frame(
    id = ids,
    count = x,
    z = fmt(z),
    p = fmt(p),
    p_fdr = fmt(p.adjust(p, method = "BH")),
    p_bonferroni = fmt(p.adjust(p, method = "bonferroni")),
    p_holm = fmt(p.adjust(p, method = "holm")),
    neighbours = vapply(seq_along(nb), function(i) {
      js <- nb[[i]]
      js <- js[js > 0]
      paste(ids[sort(js)], collapse = " ")
    }, ""),
    stringsAsFactors = FALSE
  )
}

mode <- args[1]
if (identical(mode, "grid")) {
  cells <- read.csv(args[2], stringsAsFactors = FALSE)
  cell_size <- as.numeric(args[4])
  coords <- cbind(cells$easting, cells$northing)
  nb <- dnearneigh(coords, 0, cell_size * 1.5)
  out <- gistar_table(cells$id, as.numeric(cells$count), nb)
  write.csv(out, args[3], row.names = FALSE, quote = FALSE)
} else if (identical(mode, "lsoa")) {
  polys <- st_read(args[2], quiet = TRUE)
  code_col <- intersect(c("LSOA11CD", "lsoa11cd", "code"), names(polys))[1]
  polys <- polys[order(polys[[code_col]]), ]
  polys <- st_transform(polys, 27700)
  codes <- unlist(lapply(args[-(1:4)], function(f) {
    read.csv(f, stringsAsFactors = FALSE, check.names = FALSE)[["LSOA code"]]
  }))
  x <- vapply(polys[[code_col]], function(code) sum(codes == code, na.rm = TRUE), 0)
  nb <- poly2nb(polys, queen = TRUE, snap = as.numeric(args[4]))
  out <- gistar_table(polys[[code_col]], as.numeric(x), nb)
  names(out)[1] <- "code"
  write.csv(out, args[3], row.names = FALSE, quote = FALSE)
} else if (identical(mode, "bench")) {
  # Timing for bench/hotspots.ts: neighbours and Gi* on the same grid, timed inside R so that R's
  # start-up and the reading of the file are not counted.
  cells <- read.csv(args[2], stringsAsFactors = FALSE)
  cell_size <- as.numeric(args[3])
  repeats <- as.integer(args[4])
  coords <- cbind(cells$easting, cells$northing)
  x <- as.numeric(cells$count)
  times <- numeric(repeats)
  for (r in seq_len(repeats)) {
    t0 <- proc.time()[["elapsed"]]
    nb <- dnearneigh(coords, 0, cell_size * 1.5)
    g <- localG(x, nb2listw(include.self(nb), style = "B"))
    times[r] <- proc.time()[["elapsed"]] - t0
  }
  cat(sprintf("%.6f\n", times))
  cat(sprintf("z %.17g\n", as.numeric(g)[1:3]))
} else {
  stop("usage: spdep-gistar.R grid|lsoa|bench ...")
}
