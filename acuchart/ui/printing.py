"""Send a PDF we built to a printer through Qt's print dialog (QtPdf renders the pages)."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget


def load_pdf(pdf: bytes, parent: QWidget) -> QPdfDocument:
    document = QPdfDocument(parent)
    buffer = QBuffer(document)
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    return document


def paint_pages(document: QPdfDocument, printer: QPrinter) -> int:
    """Each page scaled to the printable area at the printer's resolution; pages printed."""
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    count = document.pageCount()
    try:
        for index in range(count):
            if index:
                printer.newPage()
            area = printer.pageLayout().paintRectPixels(printer.resolution())
            size = document.pagePointSize(index)
            scale = min(area.width() / size.width(), area.height() / size.height())
            target = QSize(round(size.width() * scale), round(size.height() * scale))
            image = document.render(index, target)
            painter.drawImage(QRectF(0, 0, target.width(), target.height()), image)
    finally:
        painter.end()
    return count


def print_pdf(pdf: bytes, parent: QWidget) -> int:
    """Ask for a printer, then print; 0 when the user cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return 0
    document = load_pdf(pdf, parent)
    try:
        return paint_pages(document, printer)
    finally:
        document.close()
        document.deleteLater()
