enum NGModelsPlaceholder {}
