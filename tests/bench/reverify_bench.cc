// Placeholder: the re-verification pass benchmark (issue 16).
int main() { return 0; }
