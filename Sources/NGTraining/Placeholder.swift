enum NGTrainingPlaceholder {}
