// The preview server behind `briefing serve`.
