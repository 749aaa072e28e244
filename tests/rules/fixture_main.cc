int FixtureValue();
int main() { return FixtureValue() == 42 ? 0 : 1; }
