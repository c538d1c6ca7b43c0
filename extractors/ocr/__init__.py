"""Offline OCR for PDF pages whose text layer is missing or lies (scans, broken CID fonts).

Pages are rendered with pypdfium2, read by RapidOCR (ONNX models shipped inside the wheel, no
network), and turned into the same positioned words the text-layer reader produces, so the one
mapper reads scans too. Every value read this way carries its recognised text and confidence.
"""
