@_exported import NGLinearAlgebra
@_exported import NGRandom
@_exported import NGData
@_exported import NGModels
@_exported import NGCurvature
@_exported import NGOptimizers
@_exported import NGTraining
