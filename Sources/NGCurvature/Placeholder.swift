enum NGCurvaturePlaceholder {}
