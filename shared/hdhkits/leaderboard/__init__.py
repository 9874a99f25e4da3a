"""``hdhkits leaderboard``: the final ranking of a challenge, with its uncertainty."""
