"""The forecast pipeline's stages (prepare, train, gate, publish), as CodeBuild runs them and as
``acogida mlops run --local`` runs them against the emulator."""
