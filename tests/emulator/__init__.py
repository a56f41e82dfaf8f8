"""Local emulator of the Tencent CVM, Alibaba ECS and Huawei IMS image APIs (see docs/emulator.md)."""
