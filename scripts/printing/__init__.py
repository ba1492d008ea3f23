"""The PDF of the knowledge base, made from the strictly built site (`make pdf`, scripts/pdf.py).

    printing/model.py     the print document: chapters, sections, parts; addresses inside it
    printing/site.py      reading site/: which pages, in which order, grouped in sections
    printing/chapter.py   one page made a chapter: ids and links prefixed, claims on one line
    printing/parts.py     the document cut into parts, each rendered as a print page (scripts/print/)
    printing/chromium.py  headless chromium prints the parts
    printing/merge.py     pikepdf joins them: destinations, bookmarks, page numbers, dates
    printing/make.py      `make_pdf`: the steps in order, the contents reprinted with its page numbers

Nothing here imports MkDocs: the input is the built HTML, exactly what readers see.
"""
