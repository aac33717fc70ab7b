// Render module
