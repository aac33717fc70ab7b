// Genome module
