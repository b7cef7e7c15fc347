"""Generated protobuf modules (from ``proto/*.proto``).

``checkpoint_pb2`` and ``mind_ir_pb2`` are MindSpore's checkpoint and MindIR schemas; each has a
serialized descriptor byte-identical to the one inside the MindSpore 2.10 wheel.  They were generated
by protoc 3.21.6 (grpcio-tools 1.50.0), so they load with any protobuf runtime >= 4.21 (checked with 7.36).

The checkpoint reader/writer in ``msshim.train.ckpt_format`` walk the wire format themselves and do
not need ``checkpoint_pb2`` (it serves tools, tests and dumps); MindIR is read and written through
``mind_ir_pb2``.
"""
