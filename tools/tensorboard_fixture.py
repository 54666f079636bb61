"""Reference TensorBoard event file for TensorBoardWriterTests, written without LoraLab's code paths.

TensorBoard/TensorFlow are not installed here, so this is an independent re-implementation from the specs:
TFRecord framing (tensorflow/core/lib/io/record_writer.cc: uint64 length, masked CRC-32C of the length, data,
masked CRC-32C of the data) and the Event/Summary protobufs (tensorflow/core/util/event.proto,
tensorflow/core/framework/summary.proto) in proto3 wire format. CRC-32C is the bitwise textbook definition
(reflected polynomial 0x82F63B78), checked against its standard check value.

    /usr/bin/python3 tools/tensorboard_fixture.py tests/LoraLab.Tests/Fixtures/TensorBoard

writes scalars.tfevents (the bytes) and scalars.json (the inputs: wall times, steps, tags, values).
"""
import json
import os
import struct
import sys


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283


def masked(data: bytes) -> int:
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def varint(n: int) -> bytes:
    n &= (1 << 64) - 1  # int64 as two's complement
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def field(number: int, wire: int, payload: bytes) -> bytes:
    return varint(number << 3 | wire) + payload


def length_delimited(number: int, payload: bytes) -> bytes:
    return field(number, 2, varint(len(payload)) + payload)


def event(wall_time: float, step: int = 0, file_version: str = None, scalars=None) -> bytes:
    out = b""
    if wall_time != 0:
        out += field(1, 1, struct.pack("<d", wall_time))      # double wall_time = 1
    if step != 0:
        out += field(2, 0, varint(step))                       # int64 step = 2
    if file_version is not None:
        out += length_delimited(3, file_version.encode())      # string file_version = 3
    if scalars is not None:
        summary = b""
        for tag, value in scalars:                             # Summary.Value: tag = 1, simple_value = 2 (float)
            v = length_delimited(1, tag.encode("utf-8")) + field(2, 5, struct.pack("<f", value))
            summary += length_delimited(1, v)                  # repeated Value value = 1
        out += length_delimited(5, summary)                    # Summary summary = 5
    return out


def record(data: bytes) -> bytes:
    length = struct.pack("<Q", len(data))
    return length + struct.pack("<I", masked(length)) + data + struct.pack("<I", masked(data))


EVENTS = [
    {"wall_time": 1764800000.5, "step": 0, "scalars": [["eval/accuracy", 0.5493119266055045], ["eval/loss", 0.0]]},
    {"wall_time": 1764800001.25, "step": 1,
     "scalars": [["train/loss", 0.6955567598342896], ["train/lr/lora_A", 6e-05], ["train/clipped", 1.0]]},
    {"wall_time": 1764800002.0, "step": 300, "scalars": [["train/z_a_rms/11", -3.4e38], ["train/ΔW", 1e-45]]},
    {"wall_time": 1764800003.75, "step": 2 ** 40 + 7, "scalars": [["t" * 200, 123456.789]]},
]


def main(out_dir: str) -> None:
    os.makedirs(out_dir, exist_ok=True)
    data = record(event(1764800000.0, file_version="brain.Event:2"))
    for e in EVENTS:
        data += record(event(e["wall_time"], e["step"], scalars=e["scalars"]))
    with open(os.path.join(out_dir, "scalars.tfevents"), "wb") as f:
        f.write(data)
    with open(os.path.join(out_dir, "scalars.json"), "w", encoding="utf-8") as f:
        json.dump({"file_version_wall_time": 1764800000.0, "events": EVENTS}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{len(data)} bytes, {len(EVENTS) + 1} events")


if __name__ == "__main__":
    main(sys.argv[1])
