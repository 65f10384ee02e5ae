"""The command centre's reports (R-ANA-6): 月通报 (monthly bulletin), 季考核 (quarterly assessment)
and 年评优 (yearly awards ranking), each as an Excel workbook and a printable PDF.

request.py reads what is asked for, content.py builds the figures of a report from
analytics.targets, xlsx.py and pdf.py write them, services.py renders and keeps them.
"""
