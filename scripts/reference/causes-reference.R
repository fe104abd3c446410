# Reference values for svd's regressions and Moran's I (src/core/statistics/glm.ts, moran.ts),
# computed with R's stats::glm, MASS::glm.nb and spdep::moran.test from Debian's packages
# (r-base-core, r-cran-mass, r-cran-spdep, r-cran-jsonlite). Run through
# scripts/reference/causes-fixtures.ts, which prepares the Oxfordshire input; see
# tests/fixtures/causes/README.md.
#
#   Rscript scripts/reference/causes-reference.R oxfordshire DIR   # reads DIR/areas.csv
#   Rscript scripts/reference/causes-reference.R synthetic DIR     # writes its own seeded inputs
#   Rscript scripts/reference/causes-reference.R grid DIR          # reads DIR/grid-5x5.csv
#
# Each writes DIR/expected.json (every number as the text sprintf("%.17g"), so that nothing is
# lost to JSON's printing) and, where Moran's I is computed, DIR/neighbours.csv: one line per area
# in the order of the input, its neighbours as 0-based indices into that order, space separated.
#
# Convergence: glm and glm.nb run with glm.control(epsilon = 1e-10, maxit = 100) unless a model
# says otherwise, tighter than R's default 1e-8, so that the fixed point is reached to near double
# precision and the comparison at 1e-9 tests the method rather than where each side happened to
# stop. (1e-12 is too tight for glm.nb, whose test adds the absolute change of theta: it can keep
# alternating at rounding level and stop with "alternation limit reached".) theta.ml keeps its own
# step tolerance, .Machine$double.eps^0.25, which glm.nb does not let a caller change.
#
# Moran: nb2listw(style, zero.policy = TRUE) and moran.test(randomisation, alternative,
# zero.policy = TRUE); adjust.n is left TRUE (areas without neighbours are not counted in n).
suppressPackageStartupMessages({
  library(MASS)
  library(spdep)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
mode <- args[1]
dir <- args[2]
fmt <- function(v) {
  ifelse(is.na(v), "NA", ifelse(is.infinite(v), ifelse(v > 0, "Infinity", "-Infinity"),
                                sprintf("%.17g", v)))
}
tight <- glm.control(epsilon = 1e-10, maxit = 100)
z_score <- function(v) as.numeric(scale(v))

# One model: glm (poisson) or glm.nb on the named covariates of data, with offset log(population).
describe_fit <- function(name, family, data, covariates, control = tight) {
  rhs <- if (length(covariates)) paste(covariates, collapse = " + ") else "1"
  warnings <- character(0)
  fit <- withCallingHandlers(
    if (family == "poisson") {
      glm(as.formula(paste("y ~", rhs)), family = poisson, offset = log(population),
          data = data, control = control)
    } else {
      glm.nb(as.formula(paste("y ~", rhs, "+ offset(log(population))")), data = data,
             control = control)
    },
    warning = function(w) {
      warnings <<- c(warnings, conditionMessage(w))
      invokeRestart("muffleWarning")
    }
  )
  s <- summary(fit)
  co <- s$coefficients
  ci <- confint.default(fit)
  out <- list(
    name = name, family = family, covariates = covariates,
    maxIterations = control$maxit, tolerance = control$epsilon,
    coefficients = lapply(seq_len(nrow(co)), function(i) list(
      term = rownames(co)[i], estimate = fmt(co[i, 1]), standardError = fmt(co[i, 2]),
      z = fmt(co[i, 3]), p = fmt(co[i, 4]), lower = fmt(ci[i, 1]), upper = fmt(ci[i, 2])
    )),
    deviance = fmt(fit$deviance), nullDeviance = fmt(fit$null.deviance),
    dfResidual = fit$df.residual, dfNull = fit$df.null,
    aic = fmt(fit$aic), iterations = fit$iter, converged = fit$converged,
    dispersion = fmt(sum(residuals(fit, type = "pearson")^2) / fit$df.residual),
    fitted = fmt(unname(fitted(fit))),
    pearsonResiduals = fmt(unname(residuals(fit, type = "pearson"))),
    devianceResiduals = fmt(unname(residuals(fit, type = "deviance"))),
    warnings = warnings
  )
  if (family == "negbin") {
    out$theta <- fmt(fit$theta)
    out$seTheta <- fmt(fit$SE.theta)
    out$twoLogLik <- fmt(fit$twologlik)
    out$thetaWarning <- if (is.null(fit$th.warn)) "" else fit$th.warn
  }
  list(fit = fit, json = out)
}

describe_moran <- function(name, variable, x, nb, style = "W", randomisation = TRUE,
                           alternative = "greater") {
  lw <- nb2listw(nb, style = style, zero.policy = TRUE)
  m <- moran.test(x, lw, randomisation = randomisation, alternative = alternative,
                  zero.policy = TRUE)
  list(
    name = name, variable = variable, style = style, randomisation = randomisation,
    alternative = alternative, x = fmt(x),
    I = fmt(unname(m$estimate[1])), expectation = fmt(unname(m$estimate[2])),
    variance = fmt(unname(m$estimate[3])), standardDeviate = fmt(unname(m$statistic)),
    p = fmt(m$p.value)
  )
}

write_neighbours <- function(nb, path) {
  lines <- vapply(seq_along(nb), function(i) {
    js <- nb[[i]]
    js <- js[js > 0]
    paste(sort(js) - 1, collapse = " ")
  }, "")
  writeLines(lines, path)
}

write_expected <- function(models, moran, path, notes) {
  json <- toJSON(list(notes = notes, models = models, moran = moran), auto_unbox = TRUE,
                 pretty = TRUE)
  writeLines(json, path)
}

if (identical(mode, "oxfordshire")) {
  areas <- read.csv(file.path(dir, "areas.csv"), stringsAsFactors = FALSE)
  data <- data.frame(
    y = areas$violence, population = areas$population,
    imd_score_z = z_score(areas$imd_score), income_score_z = z_score(areas$income_score),
    imd_decile = as.numeric(areas$imd_decile)
  )
  # k = 6 nearest neighbours on great-circle distances between the areas' mean police.uk
  # coordinates, made symmetric.
  coords <- cbind(areas$longitude, areas$latitude)
  knn <- knn2nb(knearneigh(coords, k = 6, longlat = TRUE))
  nb <- make.sym.nb(knn)
  write_neighbours(nb, file.path(dir, "neighbours.csv"))
  # The list before it is made symmetric, for a test on weights where w_ij > 0 but w_ji = 0.
  write_neighbours(knn, file.path(dir, "neighbours-knn6-asymmetric.csv"))
  models <- list()
  moran <- list(
    describe_moran("rate, style W", "violence per 1000 residents",
                   1000 * data$y / data$population, nb),
    describe_moran("rate, style B, two-sided", "violence per 1000 residents",
                   1000 * data$y / data$population, nb, style = "B", alternative = "two.sided"),
    describe_moran("rate, normality", "violence per 1000 residents",
                   1000 * data$y / data$population, nb, randomisation = FALSE),
    describe_moran("rate, asymmetric k = 6, style W", "violence per 1000 residents",
                   1000 * data$y / data$population, knn),
    describe_moran("rate, asymmetric k = 6, style B", "violence per 1000 residents",
                   1000 * data$y / data$population, knn, style = "B")
  )
  for (covariate in c("imd_score_z", "income_score_z", "imd_decile")) {
    for (family in c("poisson", "negbin")) {
      name <- paste(family, covariate)
      m <- describe_fit(name, family, data, covariate)
      models[[length(models) + 1]] <- m$json
      moran[[length(moran) + 1]] <- describe_moran(
        paste("pearson residuals,", name), paste("Pearson residuals of", name),
        unname(residuals(m$fit, type = "pearson")), nb)
    }
  }
  write_expected(models, moran, file.path(dir, "expected.json"), c(
    "violence: rows of the 2024 police.uk street files with Crime type 'Violence and sexual offences'",
    "imd_score_z, income_score_z: (v - mean) / sd (n - 1) over the 428 areas",
    "neighbours: knearneigh(k = 6, longlat = TRUE) on mean coordinates, knn2nb, make.sym.nb"
  ))
} else if (identical(mode, "synthetic")) {
  set.seed(20261203)
  n <- 60
  over <- data.frame(x1 = round(rnorm(n), 6), x2 = round(rnorm(n), 6),
                     population = round(runif(n, 800, 3000)))
  over$y <- rnbinom(n, size = 1.5, mu = over$population / 1000 * exp(1 + 0.5 * over$x1 - 0.3 * over$x2))
  n <- 40
  zeros <- data.frame(x1 = round(rnorm(n), 6), population = round(runif(n, 500, 2000)))
  zeros$y <- rnbinom(n, size = 0.8, mu = zeros$population / 1000 * exp(-0.2 + 0.6 * zeros$x1))
  n <- 80
  near <- data.frame(x1 = round(rnorm(n), 6), population = round(runif(n, 1000, 4000)))
  near$y <- rnbinom(n, size = 30, mu = near$population / 1000 * exp(1.5 + 0.3 * near$x1))
  # Poisson counts: no overdispersion, theta.ml's estimate grows without bound (glm.nb stops with
  # an error under this control); only the Poisson fit is a reference here.
  pois <- data.frame(x1 = round(rnorm(n), 6), population = round(runif(n, 1000, 4000)))
  pois$y <- rpois(n, pois$population / 1000 * exp(1.5 + 0.3 * pois$x1))
  for (d in list(list("overdispersed", over), list("zeros", zeros), list("near-poisson", near),
                 list("poisson", pois)))
    write.csv(d[[2]][, c("y", "population", setdiff(names(d[[2]]), c("y", "population")))],
              file.path(dir, paste0(d[[1]], ".csv")), row.names = FALSE, quote = FALSE)
  models <- list(
    c(describe_fit("poisson x1 x2", "poisson", over, c("x1", "x2"))$json, data = "overdispersed"),
    c(describe_fit("negbin x1 x2", "negbin", over, c("x1", "x2"))$json, data = "overdispersed"),
    c(describe_fit("negbin x1", "negbin", over, "x1")$json, data = "overdispersed"),
    c(describe_fit("poisson x1 x2, two iterations", "poisson", over, c("x1", "x2"),
                   glm.control(epsilon = 1e-10, maxit = 2))$json, data = "overdispersed"),
    c(describe_fit("negbin x1, three iterations", "negbin", over, "x1",
                   glm.control(epsilon = 1e-10, maxit = 3))$json, data = "overdispersed"),
    c(describe_fit("poisson x1, R's default control", "poisson", over, "x1",
                   glm.control())$json, data = "overdispersed"),
    c(describe_fit("poisson x1", "poisson", zeros, "x1")$json, data = "zeros"),
    c(describe_fit("negbin x1", "negbin", zeros, "x1")$json, data = "zeros"),
    c(describe_fit("poisson intercept only", "poisson", zeros, character(0))$json, data = "zeros"),
    c(describe_fit("negbin intercept only", "negbin", zeros, character(0))$json, data = "zeros"),
    c(describe_fit("poisson x1", "poisson", near, "x1")$json, data = "near-poisson"),
    c(describe_fit("negbin x1", "negbin", near, "x1")$json, data = "near-poisson"),
    c(describe_fit("poisson x1", "poisson", pois, "x1")$json, data = "poisson")
  )
  write_expected(models, list(), file.path(dir, "expected.json"), c(
    "inputs drawn by R with set.seed(20261203): overdispersed ~ rnbinom(size 1.5), zeros ~ rnbinom(size 0.8), near-poisson ~ rnbinom(size 30), poisson ~ rpois"
  ))
} else if (identical(mode, "grid")) {
  grid <- read.csv(file.path(dir, "grid-5x5.csv"), stringsAsFactors = FALSE)
  grid <- grid[order(grid$row, grid$col), ]
  # cell2nb names its cells "col:row" and orders them row by row; index them explicitly by
  # (row, col) so that the list follows the rows of the input whatever cell2nb's order.
  nb25 <- cell2nb(5, 5, type = "rook")
  rc <- do.call(rbind, lapply(strsplit(attr(nb25, "region.id"), ":"), as.integer))
  position <- (rc[, 2] - 1) * 5 + rc[, 1]
  nb <- vector("list", 25)
  for (i in seq_along(nb25)) nb[[position[i]]] <- sort(as.integer(position[nb25[[i]]]))
  # The same grid plus a 26th area with no neighbours, for zero.policy.
  nb_island <- c(nb, list(0L))
  class(nb) <- class(nb_island) <- "nb"
  attr(nb, "region.id") <- as.character(1:25)
  attr(nb_island, "region.id") <- as.character(1:26)
  write_neighbours(nb, file.path(dir, "neighbours.csv"))
  x <- as.numeric(grid$value)
  x26 <- c(x, 7)
  moran <- list()
  for (style in c("W", "B")) for (randomisation in c(TRUE, FALSE))
    for (alternative in c("greater", "two.sided", "less")) {
      moran[[length(moran) + 1]] <- describe_moran(
        paste("grid", style, randomisation, alternative), "grid values", x, nb, style,
        randomisation, alternative)
      moran[[length(moran) + 1]] <- describe_moran(
        paste("grid with an island", style, randomisation, alternative),
        "grid values and a 26th area with no neighbours (value 7)", x26, nb_island, style,
        randomisation, alternative)
    }
  write_expected(list(), moran, file.path(dir, "expected.json"), c(
    "rook neighbours of a 5 x 5 grid (spdep::cell2nb), areas in row-major order",
    "'with an island': a 26th area with no neighbours, zero.policy = TRUE"
  ))
} else {
  stop("usage: causes-reference.R oxfordshire|synthetic|grid DIR")
}
