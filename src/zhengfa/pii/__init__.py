"""Personal data (个人信息): encrypted at rest, found by keyed hash, masked unless needed."""
