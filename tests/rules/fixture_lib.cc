int FixtureValue() { return 42; }
