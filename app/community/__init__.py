"""Topics (question, problem, idea, praise), comments, votes, moods and statuses."""
